package dev.corral.cli;

import dev.corral.engine.Engine;
import dev.corral.workspace.SandboxRunner;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;

/**
 * Before a workspace command reads workspaces, saves the work of those whose {@code corral run}
 * died (kill -9, a crash): git runs in a sandbox there, so the engine starts only when needed.
 */
final class WorkspaceRecovery {
  private WorkspaceRecovery() {}

  static void recover(CliContext ctx, CommandLine cl, boolean debug) throws InterruptedException {
    SandboxRunner runner =
        new SandboxRunner() {
          private @Nullable Engine engine;

          @Override
          public dev.corral.core.SandboxOutcome run(dev.corral.core.SandboxSpec spec)
              throws InterruptedException {
            Engine e = engine;
            if (e == null) {
              e = ctx.engines().apply(new EventRenderer(cl.getErr(), debug));
              engine = e;
            }
            return e.run(spec, Optional.empty());
          }
        };
    for (String name : ctx.workspaces().recover(runner, w -> warn(cl, w))) {
      cl.getErr()
          .println(
              "corral: saved the work of "
                  + name
                  + ", whose corral process had ended, to branch corral/"
                  + name);
    }
    cl.getErr().flush();
  }

  private static void warn(CommandLine cl, String message) {
    cl.getErr().println("corral: warning: " + message);
  }
}
