package dev.corral.server;

import dev.corral.core.ConflictException;
import dev.corral.core.ContainerSpec;
import dev.corral.core.CorralException;
import dev.corral.core.EgressRules;
import dev.corral.core.FilesystemPolicy;
import dev.corral.core.HostPath;
import dev.corral.core.ImageSource;
import dev.corral.core.NetworkMode;
import dev.corral.core.NotFoundException;
import dev.corral.core.SandboxId;
import dev.corral.core.SandboxOutcome;
import dev.corral.core.SandboxSpec;
import dev.corral.core.Stdio;
import dev.corral.core.Store;
import dev.corral.core.TaskId;
import dev.corral.core.TaskRecord;
import dev.corral.core.TaskSpec;
import dev.corral.core.TaskState;
import dev.corral.engine.AgentLaunch;
import dev.corral.engine.Engine;
import dev.corral.engine.PromptWatcher;
import dev.corral.engine.Sandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Runs accepted tasks: a FIFO queue, at most {@code concurrency} at once, each on a fresh clone in
 * its own sandbox. Every state change goes through the {@link Store} first, so a crash loses
 * nothing that was accepted; {@link #start} reconciles what a previous process left. Thread-safe.
 */
final class TaskRunner implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(TaskRunner.class.getName());

  private final Store store;
  private final Engine engine;
  private final TaskWorkspaces workspaces;
  private final AgentCommands agents;
  private final TaskFiles files;
  private final TaskResults results;
  private final ServerMetrics metrics;
  private final PromptWatchers prompts;
  private final Duration askHold;
  private final List<HostPath> hidden;
  private final Semaphore permits;
  private final LinkedBlockingQueue<TaskId> queue = new LinkedBlockingQueue<>();
  private final Map<TaskId, Running> running = new ConcurrentHashMap<>();
  private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
  private final Clock clock;
  private volatile @Nullable Thread dispatcher;
  private volatile Consumer<TaskId> changed = id -> {};
  private volatile Consumer<TaskRecord> ended = task -> {};

  TaskRunner(
      Store store,
      Engine engine,
      TaskWorkspaces workspaces,
      AgentCommands agents,
      TaskFiles files,
      ServerMetrics metrics,
      PromptWatchers prompts,
      Duration askHold,
      List<HostPath> hidden,
      int concurrency) {
    this.store = store;
    this.engine = engine;
    this.workspaces = workspaces;
    this.agents = agents;
    this.files = files;
    this.results = new TaskResults(files);
    this.metrics = metrics;
    this.prompts = prompts;
    this.askHold = askHold;
    this.hidden = List.copyOf(hidden);
    this.permits = new Semaphore(concurrency, true);
    this.clock = Clock.systemUTC();
  }

  /** One task being prepared or run: what cancel needs to reach it. */
  private static final class Running {
    volatile boolean cancelled;
    volatile @Nullable Sandbox sandbox;
    volatile @Nullable TerminalControl terminal;
  }

  /**
   * The terminal of {@code id}'s agent while it runs in one (see {@link TaskSpec#terminal()});
   * empty when the task is not running or has no terminal.
   */
  Optional<TerminalControl> terminal(TaskId id) {
    Running run = running.get(id);
    return run == null ? Optional.empty() : Optional.ofNullable(run.terminal);
  }

  /** What to do when a task succeeds with changes (the server opens a merge approval). */
  void onSucceededWithChanges(Consumer<TaskId> action) {
    this.changed = action;
  }

  /** What to do when a task ended, however it ended (the server withdraws its approvals). */
  void onEnded(Consumer<TaskRecord> action) {
    this.ended = action;
  }

  /**
   * Reconciles what a previous server process left: reaps orphaned sandboxes, saves the work of
   * task workspaces whose agent was running (in a sandbox, as always), marks those tasks failed (no
   * backend here can re-attach to a sandbox after its server died) keeping their diff and review,
   * queues the waiting tasks in their order and starts dispatching.
   */
  void start() {
    try {
      engine.reapOrphans();
    } catch (CorralException e) {
      LOG.log(System.Logger.Level.WARNING, "could not reap orphaned sandboxes: " + e.getMessage());
    }
    try {
      workspaces.recover(
          warning ->
              LOG.log(System.Logger.Level.WARNING, "could not save a task's work: " + warning));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (CorralException e) {
      LOG.log(System.Logger.Level.WARNING, "could not save the work of ended tasks: " + e);
    }
    for (TaskRecord task :
        store.tasks(
            EnumSet.of(TaskState.PREPARING, TaskState.RUNNING, TaskState.WAITING), 100_000)) {
      String reason =
          "the server stopped while the task was "
              + task.state().wireName()
              + task.backend().map(b -> " (its " + b + " sandbox ended with the server)").orElse("")
              + "; the log so far is kept";
      store.transition(task.id(), TaskState.FAILED, reason);
      appendLine(task.id(), "corral: " + reason);
      keepSavedWork(task.id());
    }
    List<TaskRecord> queued = store.tasks(EnumSet.of(TaskState.QUEUED), 1_000_000);
    queued.reversed().forEach(t -> queue.add(t.id()));
    Thread thread =
        Thread.ofPlatform().name("corral-task-dispatcher").daemon().start(this::dispatch);
    dispatcher = thread;
  }

  /** The diff and review of what a task whose server died left, saved by the recovery above. */
  private void keepSavedWork(TaskId id) {
    try {
      Optional<TaskWorkspaces.Finished> saved = workspaces.saved(id);
      if (saved.isPresent()) {
        results.record(id, saved.get());
        appendLine(id, "corral: its work so far is saved on branch " + workspaces.branch(id));
      }
    } catch (IOException | CorralException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot keep the saved work of " + id + ": " + e);
    }
  }

  /** Validates and accepts a task; it is durable when this returns. */
  TaskRecord submit(TaskSpec spec) {
    agents.check(spec.agent(), spec.backend());
    workspaces.check(spec.repo(), spec.ref());
    spec.backend().ifPresent(b -> engine.backend(Optional.of(b)));
    TaskRecord task = TaskRecord.accepted(TaskId.random(), spec, clock.instant());
    store.insert(task);
    metrics.submitted(task.id());
    queue.add(task.id());
    return task;
  }

  /** Cancels a task in any state that has not ended; a running sandbox is killed. */
  TaskRecord cancel(TaskId id) {
    TaskRecord task = store.task(id).orElseThrow(() -> missing(id));
    if (task.state().terminal()) {
      throw new ConflictException(
          "task " + id + " already ended (" + task.state().wireName() + ")", null);
    }
    Running run = running.get(id);
    if (run != null) {
      run.cancelled = true;
    }
    Optional<TaskRecord> moved = store.transition(id, TaskState.CANCELLED, "cancelled by request");
    Sandbox sandbox = run == null ? null : run.sandbox;
    if (sandbox != null) {
      sandbox.process().kill();
    }
    files.signal(id);
    return moved.orElseGet(() -> store.task(id).orElseThrow(() -> missing(id)));
  }

  static NotFoundException missing(TaskId id) {
    return new NotFoundException("no task " + id, "list the tasks with `corral task ls`");
  }

  private void dispatch() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        TaskId id = queue.take();
        permits.acquire();
        try {
          Thread worker =
              Thread.ofVirtual().name("corral-task-" + id).unstarted(() -> runAndRelease(id));
          workers.add(worker);
          worker.start();
        } catch (RuntimeException e) {
          permits.release();
          throw e;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void runAndRelease(TaskId id) {
    try {
      run(id);
    } finally {
      permits.release();
      workers.remove(Thread.currentThread());
    }
  }

  private void run(TaskId id) {
    Optional<TaskRecord> preparing =
        store.transition(id, TaskState.PREPARING, "cloning the repository");
    if (preparing.isEmpty()) {
      return; // cancelled while queued
    }
    TaskSpec spec = preparing.get().spec();
    Running run = new Running();
    running.put(id, run);
    try (OutputStream log = files.appender(id)) {
      runPrepared(id, spec, run, log);
    } catch (IOException | RuntimeException e) {
      String reason = e instanceof CorralException ce ? ce.getMessage() : "internal error: " + e;
      LOG.log(System.Logger.Level.DEBUG, "task " + id + " failed", e);
      appendLine(id, "corral: " + reason);
      store.transition(id, TaskState.FAILED, String.valueOf(reason));
    } finally {
      running.remove(id);
      store.task(id).ifPresent(metrics::ended);
      files.signal(id);
      try {
        store.task(id).ifPresent(ended);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "cannot close the approvals of task " + id, e);
      }
    }
  }

  private void runPrepared(TaskId id, TaskSpec spec, Running run, OutputStream log) {
    TaskWorkspaces.Prepared workspace = workspaces.prepare(id, spec, log);
    SandboxOutcome outcome = null;
    List<String> denied = List.of();
    RuntimeException failure = null;
    boolean interrupted = false;
    try {
      if (!run.cancelled) {
        SandboxSpec sandboxSpec = sandboxSpec(id, spec, workspace);
        try (Sandbox sandbox = engine.start(sandboxSpec, spec.backend())) {
          run.sandbox = sandbox;
          if (run.cancelled) {
            sandbox.process().kill();
          }
          // The terminal exists before the task shows as running: a client that sees "running"
          // can take control at once.
          PromptWatcher watcher = spec.terminal() ? watch(id, sandbox, run) : null;
          try {
            store.attachSandbox(id, sandboxSpec.id(), engine.backend(spec.backend()).name());
            store.transition(id, TaskState.RUNNING, "agent started: " + spec.agent());
            metrics.running(id);
            outcome =
                watcher != null ? awaitWatched(sandbox, log, watcher) : pumpAndAwait(sandbox, log);
          } finally {
            if (watcher != null) {
              run.terminal = null;
              prompts.stop(watcher);
            }
          }
          denied = sandbox.deniedHosts();
        }
      }
    } catch (InterruptedException e) {
      interrupted = true;
    } catch (RuntimeException e) {
      failure = e;
    }
    // Saved only after the sandbox is torn down, however it ended: its mounts are gone, and git
    // runs in a sandbox of its own over the clone, never on the host.
    try {
      TaskWorkspaces.Finished finished = workspace.finish();
      results.collect(id, spec, workspace.path().path(), finished, denied, log);
    } catch (InterruptedException e) {
      interrupted = true;
    } catch (RuntimeException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      store.transition(id, TaskState.FAILED, "the server shut down while the task ran");
      return;
    }
    if (failure != null) {
      throw failure;
    }
    if (outcome != null) {
      store.recordExit(id, outcome.exitCode());
      metrics.egressDenied(denied.size());
      Optional<TaskRecord> done = finish(id, outcome);
      if (done.map(t -> t.state() == TaskState.SUCCEEDED).orElse(false)
          && !results.diff(id).isEmpty()) {
        changed.accept(id);
      }
    }
  }

  /**
   * The agent's sandbox: its preset's headless command, environment, install and state mounts and
   * egress (like {@code corral run AGENT}) on the task's workspace, with the task's limits, timeout
   * and egress additions; what the server hides from every sandbox stays hidden (see {@link
   * CorralServer}: its data directory, Corral's own directories, the host's agent state).
   */
  private SandboxSpec sandboxSpec(TaskId id, TaskSpec spec, TaskWorkspaces.Prepared workspace) {
    AgentLaunch agent =
        agents.launch(spec.agent(), spec.prompt(), workspace.path(), spec.backend());
    SandboxSpec.Builder builder =
        SandboxSpec.builder(SandboxId.of(id.value()), workspace.path())
            .command(agent.command())
            .env(agent.env())
            .filesystem(
                // The task's own clone: git in it must commit (hooks and config stay read-only).
                FilesystemPolicy.defaults(HostPath.of(System.getProperty("user.home")), hidden)
                    .forClone())
            .limits(spec.limits().orElse(dev.corral.core.ResourceLimits.DEFAULT))
            .network(network(id, spec, agent.egress()))
            .stdio(spec.terminal() ? Stdio.TTY : Stdio.PIPE)
            .timeout(spec.timeout().orElse(null));
    agent.mounts().forEach(builder::mount);
    workspace.mounts().forEach(builder::mount);
    ContainerSpec container = ContainerSpec.DEFAULT.withLayers(agent.layers());
    if (agent.image().isPresent()) {
      container = container.withImage(new ImageSource.Stack(agent.image().get()));
    }
    return builder.container(container).build();
  }

  /**
   * A task in a terminal: a prompt watcher whose prompts open approvals, and the terminal's input
   * kept open for the answers and for a client that takes control. Stop the watcher when the agent
   * ended.
   */
  private PromptWatcher watch(TaskId id, Sandbox sandbox, Running run) {
    TerminalControl terminal = new TerminalControl(sandbox.process());
    PromptWatcher watcher = prompts.watch(id.value(), terminal.input());
    terminal.watchedBy(watcher);
    run.terminal = terminal;
    return watcher;
  }

  /** The terminal's output (one stream) to the log and the prompt watcher, until the end. */
  private static SandboxOutcome awaitWatched(
      Sandbox sandbox, OutputStream log, PromptWatcher watcher) throws InterruptedException {
    Thread out = Thread.ofVirtual().start(() -> pump(sandbox.process().stdout(), log, watcher));
    SandboxOutcome outcome = sandbox.await();
    out.join();
    return outcome;
  }

  private static SandboxOutcome pumpAndAwait(Sandbox sandbox, OutputStream log)
      throws InterruptedException {
    try {
      sandbox.process().stdin().close();
    } catch (IOException e) {
      // The agent does not read its input; nothing to do.
    }
    Thread out = Thread.ofVirtual().start(() -> pump(sandbox.process().stdout(), log, null));
    Thread err = Thread.ofVirtual().start(() -> pump(sandbox.process().stderr(), log, null));
    SandboxOutcome outcome = sandbox.await();
    out.join();
    err.join();
    return outcome;
  }

  private static void pump(InputStream in, OutputStream log, @Nullable PromptWatcher watcher) {
    byte[] buffer = new byte[16 * 1024];
    try (in) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        log.write(buffer, 0, n);
        if (watcher != null) {
          watcher.output(buffer, 0, n);
        }
      }
    } catch (IOException e) {
      // The sandbox ended or was killed; whatever was read is in the log.
    }
  }

  private Optional<TaskRecord> finish(TaskId id, SandboxOutcome outcome) {
    return switch (outcome) {
      case SandboxOutcome.Exited e when e.code() == 0 ->
          store.transition(id, TaskState.SUCCEEDED, "agent exited with 0");
      case SandboxOutcome.Exited e ->
          store.transition(id, TaskState.FAILED, "agent exited with " + e.code());
      case SandboxOutcome.Signaled s ->
          store.transition(id, TaskState.FAILED, "agent was killed by signal " + s.signal());
      case SandboxOutcome.LimitExceeded l ->
          store.transition(id, TaskState.FAILED, "resource limit hit: " + l.detail());
      case SandboxOutcome.TimedOut t ->
          store.transition(id, TaskState.TIMED_OUT, "timed out after " + t.after());
    };
  }

  /** The agent's rules and the task's additions; no network at all when nothing is allowed. */
  private NetworkMode network(TaskId id, TaskSpec spec, EgressRules.Layer agent) {
    EgressRules rules =
        new EgressRules(
            List.of(
                agent,
                new EgressRules.Layer(
                    "task " + id, EgressRules.Kind.COMMAND_LINE, spec.allow(), spec.deny())),
            Map.of(),
            spec.egressAsk() ? Optional.of(askHold) : Optional.empty());
    return rules.allowsAnything() || spec.egressAsk()
        ? new NetworkMode.Filtered(rules)
        : NetworkMode.NONE;
  }

  private void appendLine(TaskId id, String line) {
    try (OutputStream log = files.appender(id)) {
      log.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException | CorralException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot append to the log of " + id + ": " + e);
    }
  }

  /** Number of tasks being prepared or run. */
  int runningCount() {
    return running.size();
  }

  /** Number of tasks waiting in the queue. */
  int queued() {
    return queue.size();
  }

  /**
   * Stops dispatching and kills running sandboxes; their tasks are marked failed. Queued tasks stay
   * queued for the next start.
   */
  @Override
  public void close() {
    Thread thread = dispatcher;
    if (thread != null) {
      thread.interrupt();
    }
    for (Map.Entry<TaskId, Running> entry : running.entrySet()) {
      store.transition(entry.getKey(), TaskState.FAILED, "the server shut down while the task ran");
      Sandbox sandbox = entry.getValue().sandbox;
      if (sandbox != null) {
        sandbox.process().kill();
      }
    }
    // Let the killed tasks record their ends before the caller closes the store.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (Thread worker : workers) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      try {
        worker.join(Duration.ofNanos(left));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
  }
}
