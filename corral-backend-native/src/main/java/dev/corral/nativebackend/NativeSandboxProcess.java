package dev.corral.nativebackend;

import dev.corral.core.Limit;
import dev.corral.core.ResourceLimits;
import dev.corral.core.SandboxException;
import dev.corral.core.SandboxId;
import dev.corral.core.SandboxOutcome;
import dev.corral.core.SandboxProcess;
import dev.corral.core.Stdio;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * A sandbox started by {@link BubblewrapBackend}: bubblewrap's process (pid namespace init as its
 * child, the command below it), the sandbox's cgroup and its runtime directory.
 *
 * <p>A watcher thread reads the cgroup's counters while the sandbox runs and kills the whole
 * sandbox when the kernel OOM-kills one of its processes or when process creation keeps failing at
 * the pids limit for a second (a fork bomb), so that one runaway process cannot leave a half-dead
 * sandbox behind.
 */
final class NativeSandboxProcess implements SandboxProcess {
  private static final System.Logger LOG = System.getLogger(NativeSandboxProcess.class.getName());
  private static final Duration WATCH_INTERVAL = Duration.ofMillis(200);
  private static final int SUSTAINED_PIDS_POLLS = 5;
  private static final int SIGXCPU = 24;
  private static final int SIGXFSZ = 25;

  private final SandboxId id;
  private final Process process;
  private final Stdio stdio;
  private final ResourceLimits limits;
  private final RunDirectory run;
  private final @Nullable CgroupHandle cgroup;
  private final @Nullable BiConsumer<Integer, Integer> resizer;
  private final AtomicReference<@Nullable LimitHit> killedFor = new AtomicReference<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final @Nullable Thread watcher;

  NativeSandboxProcess(
      SandboxId id,
      Process process,
      Stdio stdio,
      ResourceLimits limits,
      RunDirectory run,
      @Nullable CgroupHandle cgroup,
      @Nullable BiConsumer<Integer, Integer> resizer) {
    this.id = id;
    this.process = process;
    this.stdio = stdio;
    this.limits = limits;
    this.run = run;
    this.cgroup = cgroup;
    this.resizer = resizer;
    this.watcher =
        cgroup == null
            ? null
            : Thread.ofVirtual().name("corral-watch-" + id).start(() -> watch(cgroup));
  }

  private void watch(CgroupHandle cgroup) {
    int pidsPressure = 0;
    try {
      // Short-lived sandboxes never pay for a poll: the outcome reads the counters at exit.
      while (!process.waitFor(WATCH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
        Optional<LimitHit> hit = cgroup.limitHit();
        if (hit.isPresent() && hit.get().limit() == Limit.MEMORY) {
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

  private void killFor(LimitHit hit) {
    killedFor.compareAndSet(null, hit);
    kill();
  }

  @Override
  public SandboxId id() {
    return id;
  }

  @Override
  public long pid() {
    return process.pid();
  }

  @Override
  public OutputStream stdin() {
    return stdio == Stdio.INHERIT ? OutputStream.nullOutputStream() : process.getOutputStream();
  }

  @Override
  public InputStream stdout() {
    return stdio == Stdio.INHERIT ? InputStream.nullInputStream() : process.getInputStream();
  }

  @Override
  public InputStream stderr() {
    return stdio == Stdio.PIPE ? process.getErrorStream() : InputStream.nullInputStream();
  }

  @Override
  public SandboxOutcome waitFor() throws InterruptedException {
    return outcome(process.waitFor());
  }

  @Override
  public Optional<SandboxOutcome> waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      return Optional.empty();
    }
    return Optional.of(outcome(process.exitValue()));
  }

  private SandboxOutcome outcome(int code) {
    LimitHit hit = killedFor.get();
    if (hit == null && cgroup != null) {
      Optional<LimitHit> seen = cgroup.limitHit();
      // A fork that failed once at the pids limit does not explain a clean exit.
      if (seen.isPresent() && (seen.get().limit() == Limit.MEMORY || code != 0)) {
        hit = seen.get();
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

  @Override
  public void signal(int signal) {
    // bubblewrap (our child) -> its pid-namespace init -> the command and its siblings.
    // By pid: a terminal's process (pty4j) does not support Process.toHandle() or children().
    List<ProcessHandle> commands =
        ProcessHandle.of(process.pid()).stream()
            .flatMap(ProcessHandle::children)
            .flatMap(ProcessHandle::children)
            .toList();
    if (commands.isEmpty()) {
      Libc.kill(process.pid(), signal);
      return;
    }
    for (ProcessHandle command : commands) {
      Libc.kill(command.pid(), signal);
    }
  }

  @Override
  public void kill() {
    // Killing bubblewrap kills its init, and the kernel then kills everything in the pid
    // namespace; the cgroup sweep catches anything that raced with it. Through the handle, not
    // Process.destroyForcibly(), which would also close the streams and lose buffered output.
    ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
    if (cgroup != null) {
      cgroup.killAll();
    }
  }

  @Override
  public void resize(int columns, int rows) {
    if (resizer != null && columns > 0 && rows > 0) {
      resizer.accept(columns, rows);
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    SandboxException failure = null;
    try {
      if (process.isAlive()) {
        kill();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          failure = addFailure(failure, new IOException("bubblewrap did not exit within 5s"));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = addFailure(failure, e);
    } catch (RuntimeException e) {
      failure = addFailure(failure, e);
    }
    if (watcher != null) {
      watcher.interrupt();
    }
    failure = closeQuietly(failure, process.getOutputStream());
    failure = closeQuietly(failure, process.getInputStream());
    failure = closeQuietly(failure, process.getErrorStream());
    if (cgroup != null) {
      try {
        cgroup.close();
      } catch (RuntimeException e) {
        failure = addFailure(failure, e);
      }
    }
    try {
      run.removePlaceholders();
      run.delete();
    } catch (IOException | RuntimeException e) {
      failure = addFailure(failure, e);
    }
    if (failure != null) {
      throw failure;
    }
  }

  private @Nullable SandboxException closeQuietly(
      @Nullable SandboxException failure, java.io.Closeable stream) {
    try {
      stream.close();
      return failure;
    } catch (IOException e) {
      return addFailure(failure, e);
    }
  }

  private SandboxException addFailure(@Nullable SandboxException failure, Throwable e) {
    if (failure == null) {
      return new SandboxException(
          "teardown of sandbox " + id + " failed: " + e.getMessage(),
          "run `corral doctor` and remove leftovers under " + run.dir(),
          e);
    }
    failure.addSuppressed(e);
    return failure;
  }
}
