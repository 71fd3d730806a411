package dev.corral.cli;

import dev.corral.core.AgentPreset;
import dev.corral.core.CorralConfig;
import dev.corral.core.HostPath;
import dev.corral.core.SandboxSpec;
import dev.corral.core.Stdio;
import dev.corral.core.UsageException;
import dev.corral.engine.AgentLaunch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code corral login AGENT}: runs the agent's own login flow in a sandbox with its hosts allowed,
 * so that the credentials land in the agent's persisted state and later runs start logged in.
 */
@Command(
    name = "login",
    mixinStandardHelpOptions = true,
    description = {
      "Log an agent in: run its own login flow in a sandbox, so the credentials persist.",
      "",
      "The login flow runs with the agent's hosts allowed and its state directory mounted;",
      "what it stores (tokens, settings) stays in Corral's copy of the agent's state, never in",
      "your own ~/.claude, ~/.codex, ...  Follow the agent's prompts: where it would open a",
      "browser it prints a URL or a code to use in your browser outside the sandbox.",
      "",
      "  corral login claude",
      "  corral login --isolated-state codex    for this project only"
    })
final class LoginCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Parameters(index = "0", paramLabel = "AGENT", description = "The agent preset, e.g. claude.")
  String agent = "";

  @Parameters(
      index = "1..*",
      paramLabel = "ARGS",
      arity = "0..*",
      description = "Extra arguments for the login command.")
  List<String> args = new ArrayList<>();

  @Option(
      names = "--isolated-state",
      description = "Log in for this workspace only (see corral run --isolated-state).")
  boolean isolatedState;

  @Option(
      names = "--workspace",
      paramLabel = "DIR",
      description = "The workspace (default: the current directory).")
  @org.jspecify.annotations.Nullable
  String workspace;

  @Option(
      names = "--backend",
      paramLabel = "NAME",
      description = "Backend, e.g. native or docker (see corral run --backend).")
  @org.jspecify.annotations.Nullable
  String backend;

  @Option(
      names = "--image",
      paramLabel = "IMAGE",
      description = "Container image (docker backend) the agent is installed into.")
  @org.jspecify.annotations.Nullable
  String image;

  @Option(
      names = "--runtime",
      paramLabel = "NAME",
      description = "OCI runtime (docker backend): runc or runsc (gVisor).")
  @org.jspecify.annotations.Nullable
  String runtime;

  @Spec
  @SuppressWarnings("NullAway.Init")
  CommandSpec spec;

  LoginCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    RunOptions options = new RunOptions();
    options.workspace = workspace;
    options.isolatedState = isolatedState;
    options.backend = backend;
    options.image = image;
    options.runtime = runtime;
    HostPath dir = options.workspace(ctx);
    CorralConfig config = ctx.config().load(dir);
    Json.warn(config.warnings(), spec.commandLine());
    AgentPreset preset = config.agents().require(agent);
    if (preset.login().isEmpty()) {
      throw new UsageException(
          "agent " + preset.name() + " has no login flow",
          "set its API key in your environment instead (see `corral agents` and docs/agents.md)");
    }
    Stdio stdio = RunCommand.stdio(ctx, options);
    AgentLaunch launch =
        AgentLaunch.plan(
            preset,
            new AgentLaunch.Request(
                AgentLaunch.Purpose.LOGIN, args, isolatedState, false, options.target(config)),
            ctx.dirs(),
            ctx.env(),
            dir,
            HostPath.of(System.getProperty("user.home")));
    SandboxSpec sandboxSpec = options.toSpec(ctx, config, stdio, launch);
    launch
        .stateDir()
        .ifPresent(
            state -> {
              spec.commandLine().getErr().println("corral: " + preset.name() + " state: " + state);
              spec.commandLine().getErr().flush();
            });
    return RunCommand.execute(ctx, sandboxSpec, options.backend(config), stdio, spec);
  }
}
