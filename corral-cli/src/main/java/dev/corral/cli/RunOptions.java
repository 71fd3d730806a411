package dev.corral.cli;

import dev.corral.core.ContainerSpec;
import dev.corral.core.CorralConfig;
import dev.corral.core.EgressRules;
import dev.corral.core.FilesystemPolicy;
import dev.corral.core.HostPath;
import dev.corral.core.ImageSource;
import dev.corral.core.Mount;
import dev.corral.core.NetworkMode;
import dev.corral.core.ResourceLimits;
import dev.corral.core.SandboxId;
import dev.corral.core.SandboxSpec;
import dev.corral.core.Stdio;
import dev.corral.core.UsageException;
import dev.corral.engine.AgentLaunch;
import dev.corral.workspace.Submodules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The flags of {@code corral run}, and how they combine with the configuration into a spec. */
final class RunOptions {

  @Option(names = "--name", paramLabel = "NAME", description = "Sandbox name (default: random).")
  @Nullable String name;

  @Option(
      names = "--workspace",
      paramLabel = "DIR",
      description = "Directory the sandbox may write (default: the current directory).")
  @Nullable String workspace;

  @Option(
      names = "--workspace-mode",
      paramLabel = "MODE",
      description =
          "mount: the sandbox writes the working tree in place (.git and the submodules' .git"
              + " stay read-only, so git cannot commit); clone: it works in its own clone on branch corral/NAME, and"
              + " changes come back through corral diff/merge/apply"
              + " (default: [workspace] mode, else mount).")
  @Nullable String workspaceMode;

  @Option(
      names = "--with-changes",
      description = "With --workspace-mode clone: carry your uncommitted changes into the clone.")
  boolean withChanges;

  @Option(names = "--backend", paramLabel = "NAME", description = "Backend, e.g. native or docker.")
  @Nullable String backend;

  @Option(
      names = "--image",
      paramLabel = "IMAGE",
      description =
          "Container image (docker backend): base, node, python, go, java, devcontainer, a"
              + " Dockerfile path, or an image reference.")
  @Nullable String image;

  @Option(
      names = "--runtime",
      paramLabel = "NAME",
      description = "OCI runtime (docker backend): runc or runsc (gVisor).")
  @Nullable String runtime;

  @Mixin LimitOptions limits = new LimitOptions();

  @Option(
      names = "--env",
      paramLabel = "NAME[=VALUE]",
      description = "Set a variable inside; NAME alone copies it from your environment.")
  List<String> env = new ArrayList<>();

  @Option(names = "--mount", paramLabel = "SRC[:DST][:ro|rw]", description = "Extra mount.")
  List<String> mounts = new ArrayList<>();

  @Option(names = "--hide", paramLabel = "PATH", description = "Extra host path to hide.")
  List<String> hide = new ArrayList<>();

  @Option(
      names = "--network",
      paramLabel = "MODE",
      description =
          "none: no network at all; gateway: only what the egress policy allows (default:"
              + " gateway when a rule allows something, else none).")
  @Nullable String network;

  @Option(
      names = "--allow",
      paramLabel = "RULE",
      description = "Allow egress, e.g. pypi.org, *.npmjs.org, api.example.com:8443, @github.")
  List<String> allow = new ArrayList<>();

  @Option(names = "--deny", paramLabel = "RULE", description = "Deny egress; wins over allow.")
  List<String> deny = new ArrayList<>();

  @Option(
      names = "--egress-ask",
      description =
          "Hold requests to hosts no rule decides and ask for approval (corral server, corral"
              + " approvals); without an approver they are denied.")
  boolean egressAsk;

  @Option(
      names = "--egress-ask-hold",
      paramLabel = "DURATION",
      description = "How long --egress-ask holds a request for an answer (default: 60s).")
  @Nullable String egressAskHold;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "Wall-clock limit, e.g. 10m.")
  @Nullable String timeout;

  @Option(names = "--tty", description = "Attach a terminal (needs one on stdin and stdout).")
  boolean tty;

  @Option(names = "--no-tty", description = "Never attach a terminal; use plain pipes.")
  boolean noTty;

  @Option(
      names = "--isolated-state",
      description =
          "Keep the agent's state (login, settings, history) for this workspace only, instead of"
              + " sharing it with every project.")
  boolean isolatedState;

  @Option(
      names = "--lockdown",
      description =
          "Ephemeral agent state, no extra mounts, no variables from your environment or"
              + " configuration, and egress only to the agent's model API.")
  boolean lockdown;

  @Parameters(
      paramLabel = "AGENT|CMD",
      arity = "0..*",
      description = {
        "An agent preset (`corral agents` lists them) and, after --, its arguments;",
        "or after -- (or any word that is not a preset) a command and its arguments.",
        "Default: an interactive login shell."
      })
  List<String> command = new ArrayList<>();

  /** The workspace: {@code --workspace}, else the working directory. */
  HostPath workspace(CliContext ctx) {
    return workspace == null ? ctx.workingDirectory() : path(ctx, workspace);
  }

  private @Nullable SandboxId id;

  /** The sandbox's name: {@code --name}, else a random one chosen once. */
  SandboxId id() {
    if (id == null) {
      id = name == null ? SandboxId.random() : SandboxId.of(name);
    }
    return id;
  }

  /** Whether the sandbox works in a clone: {@code --workspace-mode}, else the configuration. */
  boolean cloneMode(CorralConfig config) {
    String mode = workspaceMode != null ? workspaceMode : config.workspaceMode().orElse("mount");
    boolean clone =
        switch (mode) {
          case "clone" -> true;
          case "mount" -> false;
          default ->
              throw new UsageException(
                  "invalid --workspace-mode '" + mode + "'", "use mount or clone");
        };
    if (withChanges && !clone) {
      throw new UsageException(
          "--with-changes needs a clone workspace", "add --workspace-mode clone");
    }
    return clone;
  }

  /** What runs, for commit authors and listings: the command's file name, or {@code shell}. */
  String label() {
    if (command.isEmpty()) {
      return "shell";
    }
    String first = command.getFirst();
    return first.substring(first.lastIndexOf('/') + 1);
  }

  /** The backend: {@code --backend}, else the configured one, else empty (Corral chooses). */
  Optional<String> backend(CorralConfig config) {
    return backend != null ? Optional.of(backend) : config.backend();
  }

  /**
   * Where an agent preset gets its program: from the image on the {@code docker} backend, else from
   * the host (native is also the backend Corral chooses when none is named).
   */
  AgentLaunch.Target target(CorralConfig config) {
    return backend(config).filter(b -> b.equals("docker")).isPresent()
        ? AgentLaunch.Target.CONTAINER
        : AgentLaunch.Target.NATIVE;
  }

  /** Flags on top of {@code config} on top of the defaults, for a raw command. */
  SandboxSpec toSpec(CliContext ctx, CorralConfig config, Stdio stdio) {
    return toSpec(ctx, config, stdio, null);
  }

  /**
   * Flags on top of {@code config} on top of the defaults; with {@code agent}, its command, state,
   * install binds and egress on top of those ({@code --lockdown} drops the configuration's mounts,
   * variables and allow rules).
   */
  SandboxSpec toSpec(
      CliContext ctx, CorralConfig config, Stdio stdio, @Nullable AgentLaunch agent) {
    return toSpec(ctx, config, stdio, agent, workspace(ctx), List.of(), false);
  }

  /**
   * Like {@link #toSpec(CliContext, CorralConfig, Stdio, AgentLaunch)} on another workspace; in a
   * {@code clone} the sandbox may write {@code .git} (all but its hooks and config).
   */
  SandboxSpec toSpec(
      CliContext ctx,
      CorralConfig config,
      Stdio stdio,
      @Nullable AgentLaunch agent,
      HostPath workspace,
      List<Mount> extraMounts,
      boolean clone) {
    if (lockdown && agent == null) {
      throw new UsageException(
          "--lockdown needs an agent preset", "name one, e.g. corral run --lockdown claude");
    }
    if (isolatedState && agent == null) {
      throw new UsageException(
          "--isolated-state needs an agent preset",
          "name one, e.g. corral run --isolated-state claude");
    }
    if (lockdown && !(mounts.isEmpty() && env.isEmpty() && allow.isEmpty())) {
      throw new UsageException(
          "--lockdown allows no --mount, --env or --allow",
          "drop them, or drop --lockdown to run with them");
    }
    SandboxId id = id();
    ResourceLimits resources = limits.applyTo(config.limits());
    HostPath home = HostPath.of(System.getProperty("user.home"));
    List<HostPath> hidden = new ArrayList<>(config.hidden());
    hide.forEach(h -> hidden.add(path(ctx, h)));
    // A hook or command planted in the host's own agent settings or in Corral's configuration
    // would run outside any sandbox: never let a workspace or mount expose them.
    hidden.addAll(AgentLaunch.hostStatePaths(config.agents(), home));
    hidden.addAll(List.of(ctx.dirs().config(), ctx.dirs().data(), ctx.dirs().state()));
    List<String> argv =
        agent != null
            ? agent.command()
            : command.isEmpty() ? LoginShell.command(ctx.env()) : command;
    var spec =
        SandboxSpec.builder(id, workspace)
            .command(argv.isEmpty() ? LoginShell.command(ctx.env()) : argv)
            .env(lockdown ? Map.of() : config.env())
            // In place (mount mode) the host's git later enters every submodule: their .git
            // stays read-only like the workspace's own.
            .filesystem(
                clone
                    ? FilesystemPolicy.defaults(home, hidden).forClone()
                    : Submodules.protect(FilesystemPolicy.defaults(home, hidden), workspace))
            .limits(resources)
            .network(network(config, agent))
            .stdio(stdio)
            .timeout(
                timeout == null
                    ? config.timeout().orElse(null)
                    : LimitOptions.parse("--timeout", timeout, ResourceLimits::parseDuration));
    if (agent != null) {
      agent.mounts().forEach(spec::mount);
      spec.env(agent.env());
    }
    if (!lockdown) {
      config.mounts().forEach(spec::mount);
    }
    extraMounts.forEach(spec::mount);
    ContainerSpec container = ContainerSpec.DEFAULT.withRuntime(Optional.ofNullable(runtime));
    if (image != null) {
      container = container.withImage(ImageSource.parse(image, workspace));
    } else if (agent != null && agent.image().isPresent()) {
      container = container.withImage(new ImageSource.Stack(agent.image().get()));
    }
    if (agent != null) {
      // The agent's install steps on top of the image (--image, or the stack they need).
      container = container.withLayers(agent.layers());
    }
    spec.container(container);
    mounts.forEach(m -> spec.mount(Mount.parse(anchored(ctx, m))));
    env.forEach(e -> spec.env(variable(ctx, e)));
    if (stdio == Stdio.TTY) {
      spec.env("TERM", terminalType(ctx.env(), config.env(), env));
    }
    return spec.build();
  }

  /** The mode from the flag, else the configuration, else by whether any rule allows. */
  private NetworkMode network(CorralConfig config, @Nullable AgentLaunch agent) {
    List<EgressRules.Layer> layers = new ArrayList<>();
    if (agent != null) {
      layers.add(agent.egress());
    }
    for (EgressRules.Layer layer : config.egress().layers()) {
      // Under --lockdown the configuration may only narrow: its deny rules stay.
      layers.add(
          lockdown
              ? new EgressRules.Layer(layer.origin(), layer.kind(), List.of(), layer.deny())
              : layer);
    }
    if (!allow.isEmpty() || !deny.isEmpty()) {
      layers.add(new EgressRules.Layer("command line", EgressRules.Kind.COMMAND_LINE, allow, deny));
    }
    EgressRules rules = new EgressRules(layers, config.egress().resolve(), ask(config));
    String mode =
        network != null
            ? network
            : config
                .network()
                .orElse(rules.allowsAnything() || rules.ask().isPresent() ? "gateway" : "none");
    if (mode.equals("none") && !allow.isEmpty()) {
      throw new UsageException(
          "--allow needs the egress gateway, but the network mode is none",
          "drop --network none (and network.mode = \"none\" in the configuration)");
    }
    if (mode.equals("none") && egressAsk) {
      throw new UsageException(
          "--egress-ask needs the egress gateway, but the network mode is none",
          "drop --network none (and network.mode = \"none\" in the configuration)");
    }
    return NetworkMode.parse(mode, rules);
  }

  /** Ask mode from the flags, else the configuration; {@code --lockdown} never asks. */
  private Optional<Duration> ask(CorralConfig config) {
    if (egressAskHold != null && !egressAsk) {
      throw new UsageException(
          "--egress-ask-hold needs --egress-ask", "add --egress-ask, or drop --egress-ask-hold");
    }
    if (lockdown) {
      if (egressAsk) {
        throw new UsageException(
            "--egress-ask cannot widen a --lockdown run",
            "drop one of --egress-ask and --lockdown");
      }
      return Optional.empty();
    }
    if (!egressAsk) {
      return config.egress().ask();
    }
    if (egressAskHold == null) {
      return Optional.of(config.egress().ask().orElse(EgressRules.DEFAULT_ASK_HOLD));
    }
    Duration hold;
    try {
      hold = ResourceLimits.parseDuration(egressAskHold);
    } catch (UsageException e) {
      throw new UsageException(
          "--egress-ask-hold: " + e.getMessage(), "write a duration like 60s or 5m");
    }
    if (hold.isZero()) {
      throw new UsageException(
          "--egress-ask-hold must be positive, not " + egressAskHold, "write e.g. 60s");
    }
    return Optional.of(hold);
  }

  private static Map<String, String> variable(CliContext ctx, String text) {
    int eq = text.indexOf('=');
    if (eq > 0) {
      return Map.of(text.substring(0, eq), text.substring(eq + 1));
    }
    String value = ctx.env().get(text);
    if (eq == 0 || value == null) {
      throw new UsageException(
          "--env "
              + text
              + ": "
              + (eq == 0 ? "missing variable name" : "not set in your environment"),
          "use --env NAME=VALUE");
    }
    return Map.of(text, value);
  }

  private static String terminalType(
      Map<String, String> host, Map<String, String> configured, List<String> flags) {
    String fromFlags =
        flags.stream()
            .filter(f -> f.startsWith("TERM="))
            .reduce((a, b) -> b)
            .map(f -> f.substring(5))
            .orElse(null);
    if (fromFlags != null) {
      return fromFlags;
    }
    return configured.getOrDefault("TERM", host.getOrDefault("TERM", "xterm-256color"));
  }

  /** Resolves a user-written path: {@code ~} expands, relative paths use the working directory. */
  static HostPath path(CliContext ctx, String text) {
    return HostPath.expand(anchored(ctx, text));
  }

  private static String anchored(CliContext ctx, String text) {
    return text.startsWith("/") || text.startsWith("~")
        ? text
        : ctx.workingDirectory().path().resolve(text).toString();
  }
}
