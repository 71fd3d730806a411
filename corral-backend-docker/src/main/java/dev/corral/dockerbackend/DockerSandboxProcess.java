package dev.corral.dockerbackend;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.corral.core.Limit;
import dev.corral.core.ResourceLimits;
import dev.corral.core.SandboxException;
import dev.corral.core.SandboxId;
import dev.corral.core.SandboxOutcome;
import dev.corral.core.SandboxProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A sandbox container started by {@link DockerBackend}: its attach streams, a waiter for its exit
 * code, and a watcher that kills the whole container when the kernel OOM-kills one of its processes
 * or when forks keep failing at the pids limit (a fork bomb). {@link #close()} removes the
 * container and its host directory.
 */
final class DockerSandboxProcess implements SandboxProcess {
  private static final System.Logger LOG = System.getLogger(DockerSandboxProcess.class.getName());
  private static final Duration WATCH_INTERVAL = Duration.ofMillis(200);
  private static final int SUSTAINED_PIDS_POLLS = 5;
  private static final int SIGXCPU = 24;
  private static final int SIGXFSZ = 25;

  private final DockerEngine engine;
  private final SandboxId id;
  private final String container;
  private final long pid;
  private final ResourceLimits limits;
  private final ContainerStreams streams;
  private final HostDirectory directory;
  private final ContainerCgroup cgroup;
  private final boolean countProcesses;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();

  /**
   * The last limit the watcher saw hit, kept because the engine removes the container's cgroup as
   * soon as it exits: a shell that gives up at the pids limit exits before the outcome is read.
   */
  private final AtomicReference<ContainerCgroup.@Nullable LimitHit> lastSeen =
      new AtomicReference<>();

  private final AtomicReference<ContainerCgroup.@Nullable LimitHit> killedFor =
      new AtomicReference<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread watcher;

  DockerSandboxProcess(
      DockerEngine engine,
      SandboxId id,
      String container,
      long pid,
      ResourceLimits limits,
      ContainerStreams streams,
      HostDirectory directory,
      boolean countProcesses) {
    this.engine = engine;
    this.id = id;
    this.container = container;
    this.pid = pid;
    this.limits = limits;
    this.streams = streams;
    this.directory = directory;
    this.cgroup = ContainerCgroup.of(pid, limits);
    this.countProcesses = countProcesses;
    Thread.ofVirtual().name("corral-docker-wait-" + id).start(this::awaitExit);
    this.watcher = Thread.ofVirtual().name("corral-docker-watch-" + id).start(this::watch);
  }

  private void awaitExit() {
    try {
      exit.complete(engine.client().waitContainerCmd(container).start().awaitStatusCode());
    } catch (RuntimeException e) {
      // The engine lost the container (removed by hand): report what inspect still knows.
      exit.complete(lastExitCode().orElse(137));
    }
  }

  private Optional<Integer> lastExitCode() {
    try {
      return Optional.ofNullable(inspect().getState().getExitCodeLong()).map(Long::intValue);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private void watch() {
    int pidsPressure = 0;
    try {
      while (!exited(WATCH_INTERVAL)) {
        Optional<ContainerCgroup.LimitHit> hit = cgroup.limitHit();
        hit.ifPresent(lastSeen::set);
        if (hit.isEmpty() && countProcesses && processes() >= limits.pids()) {
          killFor(ContainerCgroup.pidsHit(limits));
          return;
        }
        if (hit.isPresent() && hit.get().limit() != Limit.PIDS) {
          killFor(hit.get());
          return;
        }
        pidsPressure = hit.isPresent() ? pidsPressure + 1 : 0;
        if (pidsPressure >= SUSTAINED_PIDS_POLLS) {
          killFor(hit.orElseThrow());
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "limit watcher of " + id + " stopped", e);
    }
  }

  /**
   * The sandbox's processes as the runtime lists them ({@code runsc ps} under gVisor, whose kernel
   * does not enforce the pids limit: the host's limit counts the sentry's threads instead).
   */
  private int processes() {
    try {
      String[][] listed = engine.client().topContainerCmd(container).exec().getProcesses();
      return listed == null ? 0 : listed.length;
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private boolean exited(Duration within) throws InterruptedException {
    try {
      exit.get(within.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    }
  }

  private void killFor(ContainerCgroup.LimitHit hit) {
    killedFor.compareAndSet(null, hit);
    kill();
  }

  private InspectContainerResponse inspect() {
    return engine.client().inspectContainerCmd(container).exec();
  }

  @Override
  public SandboxId id() {
    return id;
  }

  @Override
  public long pid() {
    return pid;
  }

  /** The engine's id of the container. */
  String containerId() {
    return container;
  }

  @Override
  public OutputStream stdin() {
    return streams.stdin();
  }

  @Override
  public InputStream stdout() {
    return streams.stdout();
  }

  @Override
  public InputStream stderr() {
    return streams.stderr();
  }

  @Override
  public SandboxOutcome waitFor() throws InterruptedException {
    try {
      return outcome(exit.get());
    } catch (ExecutionException e) {
      throw new SandboxException("waiting for sandbox " + id + " failed", null, e);
    }
  }

  @Override
  public Optional<SandboxOutcome> waitFor(Duration timeout) throws InterruptedException {
    try {
      return Optional.of(outcome(exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS)));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (ExecutionException e) {
      throw new SandboxException("waiting for sandbox " + id + " failed", null, e);
    }
  }

  private SandboxOutcome outcome(int code) {
    ContainerCgroup.LimitHit hit = killedFor.get();
    if (hit == null) {
      Optional<ContainerCgroup.LimitHit> seen =
          cgroup.limitHit().or(() -> Optional.ofNullable(lastSeen.get()));
      if (seen.isPresent() && (seen.get().limit() == Limit.MEMORY || code != 0)) {
        hit = seen.get();
      } else if (oomKilled()) {
        hit = ContainerCgroup.memoryHit(limits);
      }
    }
    if (hit != null) {
      return new SandboxOutcome.LimitExceeded(hit.limit(), hit.detail(), code);
    }
    if (code == 128 + SIGXCPU) {
      return new SandboxOutcome.LimitExceeded(
          Limit.CPU_TIME, "CPU time limit of " + limits.cpuTime().toSeconds() + "s reached", code);
    }
    if (code == 128 + SIGXFSZ) {
      return new SandboxOutcome.LimitExceeded(
          Limit.FILE_SIZE,
          "file size limit of " + ResourceLimits.formatSize(limits.fileSizeBytes()) + " reached",
          code);
    }
    return SandboxOutcome.fromExitCode(code);
  }

  private boolean oomKilled() {
    try {
      return Boolean.TRUE.equals(inspect().getState().getOOMKilled());
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public void signal(int signal) {
    // The engine delivers it to the container's init, which passes it on to the command.
    try {
      engine.client().killContainerCmd(container).withSignal(Integer.toString(signal)).exec();
    } catch (ConflictException | NotFoundException e) {
      // not running any more
    } catch (RuntimeException e) {
      throw engine.translate(e, "signal sandbox " + id);
    }
  }

  @Override
  public void kill() {
    try {
      engine.client().killContainerCmd(container).exec();
    } catch (ConflictException | NotFoundException e) {
      // not running any more
    } catch (RuntimeException e) {
      throw engine.translate(e, "kill sandbox " + id);
    }
  }

  @Override
  public void resize(int columns, int rows) {
    if (columns <= 0 || rows <= 0) {
      return;
    }
    try {
      engine.client().resizeContainerCmd(container).withSize(rows, columns).exec();
    } catch (ConflictException | NotFoundException e) {
      // not running (any more), or not a terminal
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.DEBUG, "resize of " + id + " failed", e);
    }
  }

  /**
   * Runs {@code command} in the running sandbox, as its user, in its workspace and environment, and
   * waits for it (at most {@code timeout}).
   */
  ExecResult exec(List<String> command, Duration timeout) throws InterruptedException {
    try {
      String exec =
          engine
              .client()
              .execCreateCmd(container)
              .withCmd(command.toArray(String[]::new))
              .withAttachStdout(true)
              .withAttachStderr(true)
              .exec()
              .getId();
      StringBuilder out = new StringBuilder();
      StringBuilder err = new StringBuilder();
      engine
          .client()
          .execStartCmd(exec)
          .exec(
              new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                  String text = new String(frame.getPayload(), StandardCharsets.UTF_8);
                  synchronized (out) {
                    (frame.getStreamType() == StreamType.STDERR ? err : out).append(text);
                  }
                }
              })
          .awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
      Long code = engine.client().inspectExecCmd(exec).exec().getExitCodeLong();
      synchronized (out) {
        return new ExecResult(code == null ? -1 : code.intValue(), out.toString(), err.toString());
      }
    } catch (RuntimeException e) {
      throw engine.translate(e, "run a command in sandbox " + id);
    }
  }

  /** How a command run with {@link #exec} ended; exit code -1 while it still runs. */
  record ExecResult(int exitCode, String stdout, String stderr) {}

  @Override
  public void pause() {
    try {
      engine.client().pauseContainerCmd(container).exec();
    } catch (RuntimeException e) {
      throw engine.translate(e, "pause sandbox " + id);
    }
  }

  @Override
  public void resume() {
    try {
      engine.client().unpauseContainerCmd(container).exec();
    } catch (RuntimeException e) {
      throw engine.translate(e, "resume sandbox " + id);
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    SandboxException failure = null;
    watcher.interrupt();
    try {
      engine.client().removeContainerCmd(container).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException e) {
      // removed already
    } catch (RuntimeException e) {
      failure = addFailure(failure, e);
    }
    exit.complete(137);
    streams.close();
    try {
      directory.delete();
    } catch (IOException | RuntimeException e) {
      failure = addFailure(failure, e);
    }
    if (failure != null) {
      throw failure;
    }
  }

  private SandboxException addFailure(@Nullable SandboxException failure, Throwable e) {
    if (failure == null) {
      return new SandboxException(
          "teardown of sandbox " + id + " failed: " + e.getMessage(),
          "remove the container with `docker rm -f " + container + "` and " + directory.dir(),
          e);
    }
    failure.addSuppressed(e);
    return failure;
  }
}
