package dev.corral.cli;

import dev.corral.core.CorralConfig;
import dev.corral.core.CorralException;
import dev.corral.core.HostPath;
import dev.corral.core.SandboxSpec;
import dev.corral.core.Stdio;
import dev.corral.core.UsageException;
import dev.corral.engine.Engine;
import dev.corral.engine.Sandbox;
import dev.corral.workspace.SandboxRunner;
import dev.corral.workspace.Workspaces;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code corral run}: runs a command (or a login shell) in a sandbox on the workspace. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run a command in a sandbox on the workspace; its exit code becomes corral's.",
      "Flags override corral.toml and ~/.config/corral/config.toml, which override the defaults."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "1-255:the exit code of the command (128+N: ended by signal N)",
      "2:usage error",
      "3:invalid configuration file",
      "4:this host cannot run a sandbox (run `corral doctor`)",
      "124:timed out (--timeout)",
      "125:Corral itself failed",
      "126:the command is not executable",
      "127:the command was not found"
    })
final class RunCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Mixin RunOptions options = new RunOptions();

  @Spec
  @SuppressWarnings("NullAway.Init")
  CommandSpec spec;

  RunCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    Stdio stdio = stdio();
    HostPath workspace = options.workspace(ctx);
    CorralConfig config = ctx.config().load(workspace);
    Json.warn(config.warnings(), spec.commandLine());
    CommandLine cl = spec.commandLine();
    if (options.cloneMode(config)) {
      return runInClone(stdio, workspace, config, cl);
    }
    SandboxSpec sandboxSpec = options.toSpec(ctx, config, stdio);
    Engine engine = ctx.engines().apply(new EventRenderer(cl.getErr(), RootCommand.debug(spec)));
    return attachAndWait(engine, sandboxSpec, stdio, config, cl);
  }

  /**
   * Runs the sandbox in a fresh clone of the workspace's repository, and saves its work to the
   * clone's branch when it ends, however it ends. After a crash of this process, the next corral
   * command that touches workspaces saves it.
   */
  private int runInClone(Stdio stdio, HostPath workspace, CorralConfig config, CommandLine cl)
      throws InterruptedException {
    Engine engine = ctx.engines().apply(new EventRenderer(cl.getErr(), RootCommand.debug(spec)));
    SandboxRunner runner = s -> engine.run(s, options.backend(config));
    Workspaces workspaces = ctx.workspaces();
    Workspaces.Prepared clone =
        workspaces.create(
            workspace, options.id(), options.withChanges, options.label(), w -> warn(cl, w));
    SandboxSpec sandboxSpec = options.toSpec(ctx, config, stdio, clone.directory(), clone.mounts());
    RuntimeException failure = null;
    int code = 0;
    try {
      code = attachAndWait(engine, sandboxSpec, stdio, config, cl);
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      try {
        Workspaces.Saved saved = workspaces.stop(clone.name(), runner);
        cl.getErr()
            .println(
                "corral: work of "
                    + saved.name()
                    + " is on branch "
                    + saved.branch()
                    + " ("
                    + saved.changedFiles()
                    + " files changed); review it with `corral diff "
                    + saved.name()
                    + "`, take it with `corral merge "
                    + saved.name()
                    + "`");
        cl.getErr().flush();
      } catch (CorralException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return code;
  }

  private static void warn(CommandLine cl, String warning) {
    cl.getErr().println("corral: warning: " + warning);
    cl.getErr().flush();
  }

  private int attachAndWait(
      Engine engine, SandboxSpec sandboxSpec, Stdio stdio, CorralConfig config, CommandLine cl)
      throws InterruptedException {
    try (Attachment attachment = attachment(stdio, cl);
        Sandbox sandbox = engine.start(sandboxSpec, options.backend(config))) {
      int code = attachment.attach(sandbox).exitCode();
      reportDenied(sandbox.deniedHosts(), cl);
      return code;
    }
  }

  private Stdio stdio() {
    if (options.tty && options.noTty) {
      throw new UsageException("--tty and --no-tty conflict", "give at most one of them");
    }
    boolean terminal = ctx.streams().terminal();
    if (options.tty && !terminal) {
      throw new UsageException(
          "--tty needs a terminal, but standard input or output is not one",
          "drop --tty to run with plain pipes");
    }
    if (options.tty || (terminal && !options.noTty)) {
      return Stdio.TTY;
    }
    return ctx.streams().inherited() ? Stdio.INHERIT : Stdio.PIPE;
  }

  /** One line at the end of the run: what the egress gateway refused, and how to allow it. */
  private static void reportDenied(java.util.List<String> denied, CommandLine cl) {
    if (denied.isEmpty()) {
      return;
    }
    cl.getErr()
        .println(
            "corral: egress denied "
                + String.join(", ", denied)
                + " (allow it with `corral policy allow "
                + denied.getFirst().replaceFirst(":(80|443)$", "")
                + "`, or --allow for one run)");
    cl.getErr().flush();
  }

  private Attachment attachment(Stdio stdio, CommandLine cl) {
    return switch (stdio) {
      case TTY -> TerminalAttachment.open();
      case INHERIT -> new InheritedAttachment();
      case PIPE -> new PipedAttachment(ctx.streams().in(), cl.getOut(), cl.getErr());
    };
  }
}
