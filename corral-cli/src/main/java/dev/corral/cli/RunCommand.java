package dev.corral.cli;

import dev.corral.core.AgentPreset;
import dev.corral.core.CorralConfig;
import dev.corral.core.CorralException;
import dev.corral.core.HostPath;
import dev.corral.core.SandboxSpec;
import dev.corral.core.Stdio;
import dev.corral.core.UsageException;
import dev.corral.engine.AgentLaunch;
import dev.corral.engine.Engine;
import dev.corral.engine.Sandbox;
import dev.corral.workspace.SandboxRunner;
import dev.corral.workspace.Workspaces;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code corral run}: runs an agent preset, a command or a login shell in a sandbox on the
 * workspace. A first word that names a preset runs the preset; after {@code --} every word is a
 * command, so {@code corral run -- claude} runs the program {@code claude} without the preset.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run an agent or a command in a sandbox on the workspace; its exit code becomes corral's.",
      "",
      "  corral run claude                 the claude preset: its state, hosts and yolo flag",
      "  corral run claude -- -p 'fix it'  the preset with arguments for the agent",
      "  corral run --backend docker codex the agent built into Corral's image (cached)",
      "  corral run -- npm test            any command (after --, a preset name is a command too)",
      "  corral run                        an interactive login shell",
      "",
      "Agent state (login, settings, history) persists under ~/.local/share/corral/agents/,",
      "shared by all projects unless --isolated-state. `corral agents` lists the presets.",
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
    AgentLaunch agent =
        agentPreset(config)
            .map(
                preset ->
                    AgentLaunch.plan(
                        preset,
                        new AgentLaunch.Request(
                            AgentLaunch.Purpose.RUN,
                            agentArgs(),
                            options.isolatedState,
                            options.lockdown,
                            options.target(config)),
                        ctx.dirs(),
                        ctx.env(),
                        workspace,
                        HostPath.of(System.getProperty("user.home"))))
            .orElse(null);
    if (options.cloneMode(config)) {
      return runInClone(stdio, workspace, config, agent);
    }
    SandboxSpec sandboxSpec = options.toSpec(ctx, config, stdio, agent);
    return execute(ctx, sandboxSpec, options.backend(config), stdio, spec);
  }

  /**
   * The preset the arguments name: the first word, unless {@code --} came before it. A word that is
   * not a preset is a command ({@code corral run ls -la}), except under {@code --lockdown} or
   * {@code --isolated-state}, which only make sense for an agent.
   */
  private java.util.Optional<AgentPreset> agentPreset(CorralConfig config) {
    java.util.List<String> words = options.command;
    if (words.isEmpty() || afterDoubleDash()) {
      return java.util.Optional.empty();
    }
    String first = words.getFirst();
    if (options.lockdown || options.isolatedState) {
      return java.util.Optional.of(config.agents().require(first));
    }
    return config.agents().find(first);
  }

  /** Whether the command came after {@code --}: {@code corral run -- claude}. */
  private boolean afterDoubleDash() {
    java.util.List<String> original = spec.commandLine().getParseResult().originalArgs();
    int dash = original.indexOf("--");
    return dash >= 0
        && original.size() - dash - 1 == options.command.size()
        && original.subList(dash + 1, original.size()).equals(options.command);
  }

  /** Arguments for the agent: the words after its name, without a leading {@code --}. */
  private java.util.List<String> agentArgs() {
    java.util.List<String> rest = options.command.subList(1, options.command.size());
    return !rest.isEmpty() && rest.getFirst().equals("--") ? rest.subList(1, rest.size()) : rest;
  }

  /** Starts {@code sandboxSpec}, attaches the terminal or pipes, and returns the exit code. */
  static int execute(
      CliContext ctx,
      SandboxSpec sandboxSpec,
      java.util.Optional<String> backend,
      Stdio stdio,
      CommandSpec spec)
      throws InterruptedException {
    CommandLine cl = spec.commandLine();
    Engine engine = ctx.engines().apply(new EventRenderer(cl.getErr(), RootCommand.debug(spec)));
    try (Attachment attachment = attachment(ctx, stdio, cl);
        Sandbox sandbox = engine.start(sandboxSpec, backend)) {
      int code = attachment.attach(sandbox).exitCode();
      reportDenied(sandbox.deniedHosts(), cl);
      return code;
    }
  }

  /**
   * Runs the sandbox in a fresh clone of the workspace's repository, and saves its work to the
   * clone's branch when it ends, however it ends. After a crash of this process, the next corral
   * command that touches workspaces saves it.
   */
  private int runInClone(
      Stdio stdio, HostPath workspace, CorralConfig config, @Nullable AgentLaunch agent)
      throws InterruptedException {
    CommandLine cl = spec.commandLine();
    Engine engine = ctx.engines().apply(new EventRenderer(cl.getErr(), RootCommand.debug(spec)));
    SandboxRunner runner = s -> engine.run(s, options.backend(config));
    Workspaces workspaces = ctx.workspaces();
    Workspaces.Prepared clone =
        workspaces.create(
            workspace, options.id(), options.withChanges, options.label(), w -> warn(cl, w));
    SandboxSpec sandboxSpec =
        options.toSpec(ctx, config, stdio, agent, clone.directory(), clone.mounts(), true);
    RuntimeException failure = null;
    int code = 0;
    try {
      code = execute(ctx, sandboxSpec, options.backend(config), stdio, spec);
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

  private Stdio stdio() {
    return stdio(ctx, options);
  }

  static Stdio stdio(CliContext ctx, RunOptions options) {
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

  private static Attachment attachment(CliContext ctx, Stdio stdio, CommandLine cl) {
    return switch (stdio) {
      case TTY -> TerminalAttachment.open();
      case INHERIT -> new InheritedAttachment();
      case PIPE -> new PipedAttachment(ctx.streams().in(), cl.getOut(), cl.getErr());
    };
  }
}
