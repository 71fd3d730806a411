package dev.corral.workspace;

import dev.corral.core.Mount;
import dev.corral.core.SandboxOutcome;
import dev.corral.core.SandboxSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a sandbox spec's command as a plain host process in its workspace, with mount targets in the
 * arguments replaced by their sources: for unit tests of the workspace logic, whose repositories
 * are the tests' own. The real, sandboxed runs are tested in corral-app.
 */
final class HostRunner implements SandboxRunner {
  final List<SandboxSpec> specs = new ArrayList<>();

  @Override
  public SandboxOutcome run(SandboxSpec spec) throws InterruptedException {
    specs.add(spec);
    List<String> command = new ArrayList<>();
    for (String arg : spec.command()) {
      String mapped = arg;
      for (Mount m : spec.mounts()) {
        if (arg.equals(m.target().value())) {
          mapped = m.source().toString();
        }
      }
      command.add(mapped);
    }
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(spec.workspace().path().toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return SandboxOutcome.fromExitCode(p.waitFor());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
