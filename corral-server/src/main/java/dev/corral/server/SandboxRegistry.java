package dev.corral.server;

import dev.corral.api.SandboxRequest;
import dev.corral.api.TaskLimits;
import dev.corral.core.ConflictException;
import dev.corral.core.EgressRules;
import dev.corral.core.FilesystemPolicy;
import dev.corral.core.HostPath;
import dev.corral.core.NetworkMode;
import dev.corral.core.NotFoundException;
import dev.corral.core.ResourceLimits;
import dev.corral.core.SandboxId;
import dev.corral.core.SandboxSpec;
import dev.corral.core.Stdio;
import dev.corral.core.UsageException;
import dev.corral.engine.Engine;
import dev.corral.engine.Sandbox;
import dev.corral.workspace.Submodules;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sandboxes started through the API, by name. They live as long as the server: a server that
 * stops (or is killed) takes its native sandboxes with it, and the next start reaps what is left.
 * Thread-safe.
 */
final class SandboxRegistry implements AutoCloseable {
  private final Engine engine;
  private final Path root;
  private final Clock clock = Clock.systemUTC();
  private final Map<String, LiveSandbox> sandboxes = new ConcurrentHashMap<>();

  private volatile java.util.function.Consumer<String> removed = name -> {};

  /** What to do when a sandbox is removed (the server withdraws its approvals). */
  void onRemoved(java.util.function.Consumer<String> action) {
    this.removed = action;
  }

  private final PromptWatchers prompts;
  private final Duration askHold;
  private final List<HostPath> hidden;

  /**
   * @param hidden host paths no sandbox may see besides the defaults (credentials, browser
   *     profiles): the server's data directory (its token and store), Corral's own directories and
   *     the host's agent state
   */
  SandboxRegistry(
      Engine engine,
      Path dataDir,
      PromptWatchers prompts,
      Duration askHold,
      List<HostPath> hidden) {
    this.engine = engine;
    this.root = dataDir.resolve("sandboxes");
    this.prompts = prompts;
    this.askHold = askHold;
    this.hidden = List.copyOf(hidden);
  }

  LiveSandbox create(SandboxRequest request) {
    String workspace = request.workspace();
    if (workspace == null || workspace.isBlank()) {
      throw new UsageException("missing field 'workspace' in the request body", null);
    }
    if (!Path.of(workspace).isAbsolute()) {
      throw new UsageException(
          "workspace '" + workspace + "' is not an absolute path",
          "give an absolute path on the server's host");
    }
    SandboxId id = request.name() == null ? SandboxId.random() : SandboxId.of(request.name());
    boolean tty = Boolean.TRUE.equals(request.tty());
    List<String> command = request.command() == null ? List.of() : request.command();
    if (command.isEmpty() && !tty) {
      throw new UsageException(
          "a sandbox without a command runs a login shell, which needs a terminal",
          "set \"tty\": true or give a command");
    }
    SandboxSpec spec = spec(id, HostPath.of(workspace), command, tty, request);
    LiveSandbox[] started = new LiveSandbox[1];
    sandboxes.compute(
        id.value(),
        (name, existing) -> {
          if (existing != null) {
            throw new ConflictException(
                "a sandbox named " + name + " exists", "choose another name, or remove it first");
          }
          Sandbox sandbox = engine.start(spec, Optional.ofNullable(request.backend()));
          String backend = engine.backend(Optional.ofNullable(request.backend())).name();
          started[0] =
              new LiveSandbox(
                  spec,
                  backend,
                  sandbox,
                  clock.instant(),
                  new AppendLog(root.resolve(name).resolve("log")));
          return started[0];
        });
    started[0].watch(prompts);
    return started[0];
  }

  private SandboxSpec spec(
      SandboxId id, HostPath workspace, List<String> command, boolean tty, SandboxRequest request) {
    List<String> allow = request.allow() == null ? List.of() : request.allow();
    List<String> deny = request.deny() == null ? List.of() : request.deny();
    Long timeout = request.timeoutSeconds();
    if (timeout != null && timeout < 1) {
      throw new UsageException(
          "invalid value for field 'timeoutSeconds': " + timeout, "give at least 1");
    }
    TaskLimits limits = request.limits();
    ResourceLimits resourceLimits =
        limits == null ? ResourceLimits.DEFAULT : TaskViews.limits(limits);
    return SandboxSpec.builder(id, workspace)
        .command(command)
        // The sandbox works on the checkout in place: its submodules' .git stay read-only too.
        .filesystem(
            Submodules.protect(
                FilesystemPolicy.defaults(HostPath.of(System.getProperty("user.home")), hidden),
                workspace))
        .env(request.env() == null ? Map.of() : request.env())
        .limits(resourceLimits)
        .network(network(id, allow, deny, Boolean.TRUE.equals(request.egressAsk())))
        .stdio(tty ? Stdio.TTY : Stdio.PIPE)
        .timeout(timeout == null ? null : Duration.ofSeconds(timeout))
        .build();
  }

  /**
   * No network without allow rules or ask mode; otherwise the gateway filters with the request's
   * rules, and in ask mode holds what no rule decides while a human is asked.
   */
  private NetworkMode network(SandboxId id, List<String> allow, List<String> deny, boolean ask) {
    if (allow.isEmpty() && !ask) {
      return NetworkMode.NONE;
    }
    EgressRules rules =
        new EgressRules(
            List.of(
                new EgressRules.Layer("sandbox " + id, EgressRules.Kind.COMMAND_LINE, allow, deny)),
            Map.of());
    return new NetworkMode.Filtered(ask ? rules.withAsk(Optional.of(askHold)) : rules);
  }

  List<LiveSandbox> list() {
    return sandboxes.values().stream()
        .sorted(Comparator.comparing(s -> s.view().created()))
        .toList();
  }

  LiveSandbox get(String name) {
    LiveSandbox sandbox = sandboxes.get(SandboxId.of(name).value());
    if (sandbox == null) {
      throw new NotFoundException("no sandbox " + name, "list them with GET /api/v1/sandboxes");
    }
    return sandbox;
  }

  void stop(String name) throws InterruptedException {
    get(name).stop(5_000);
  }

  /** Stops (if needed) and tears down the sandbox; its log goes with it. */
  void remove(String name) throws InterruptedException {
    LiveSandbox sandbox = get(name);
    removed.accept(sandbox.name());
    sandbox.stop(5_000);
    sandboxes.remove(sandbox.name(), sandbox);
    sandbox.sandbox().close();
    try {
      java.nio.file.Files.deleteIfExists(sandbox.log().file());
      java.nio.file.Files.deleteIfExists(sandbox.log().file().getParent());
    } catch (java.io.IOException e) {
      // A leftover log file is harmless; the next remove of this name retries.
    }
  }

  int running() {
    return (int) sandboxes.values().stream().filter(LiveSandbox::running).count();
  }

  /** Kills every sandbox (their watchers withdraw pending prompts as the sandboxes end). */
  @Override
  public void close() {
    RuntimeException failure = null;
    for (LiveSandbox sandbox : sandboxes.values()) {
      try {
        sandbox.sandbox().process().kill();
        sandbox.sandbox().close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    sandboxes.clear();
    if (failure != null) {
      throw failure;
    }
  }
}
