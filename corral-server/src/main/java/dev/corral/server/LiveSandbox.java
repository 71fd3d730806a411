package dev.corral.server;

import dev.corral.api.SandboxView;
import dev.corral.core.SandboxOutcome;
import dev.corral.core.SandboxSpec;
import dev.corral.core.Stdio;
import dev.corral.engine.PromptWatcher;
import dev.corral.engine.Sandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A sandbox the server started through the API: its output goes to an {@link AppendLog} that SSE
 * clients and terminal viewers follow; at most one terminal client controls its input.
 */
final class LiveSandbox {
  private final SandboxSpec spec;
  private final String backend;
  private final Sandbox sandbox;
  private final Instant created;
  private final AppendLog log;
  private final CountDownLatch ended = new CountDownLatch(1);
  private final AtomicReference<@Nullable String> controller = new AtomicReference<>();
  private final TerminalInput input;
  private volatile @Nullable SandboxOutcome outcome;
  private volatile boolean stopped;

  LiveSandbox(SandboxSpec spec, String backend, Sandbox sandbox, Instant created, AppendLog log) {
    this.spec = spec;
    this.backend = backend;
    this.sandbox = sandbox;
    this.created = created;
    this.log = log;
    this.input = new TerminalInput(() -> sandbox.process().stdin());
  }

  /**
   * Starts copying output to the log and waiting for the end. A sandbox with a terminal also gets a
   * prompt watcher from {@code prompts}, fed the same output and stopped when the sandbox ends.
   */
  void watch(PromptWatchers prompts) {
    OutputStream out = log.appender();
    PromptWatcher watcher = spec.stdio() == Stdio.TTY ? prompts.watch(name(), input) : null;
    Thread stdout = Thread.ofVirtual().start(() -> pump(sandbox.process().stdout(), out, watcher));
    Thread stderr =
        spec.stdio() == Stdio.TTY
            ? null
            : Thread.ofVirtual().start(() -> pump(sandbox.process().stderr(), out, null));
    Thread.ofVirtual()
        .name("corral-sandbox-" + spec.id())
        .start(
            () -> {
              try {
                outcome = sandbox.await();
                stdout.join();
                if (stderr != null) {
                  stderr.join();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                if (watcher != null) {
                  prompts.stop(watcher);
                }
                try {
                  out.close();
                } catch (IOException e) {
                  // The log keeps what was written.
                }
                ended.countDown();
                log.signal();
              }
            });
  }

  private static void pump(InputStream in, OutputStream out, @Nullable PromptWatcher watcher) {
    byte[] buffer = new byte[16 * 1024];
    try (in) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
        if (watcher != null) {
          watcher.output(buffer, 0, n);
        }
      }
    } catch (IOException e) {
      // The sandbox ended; what was read is in the log.
    }
  }

  /**
   * Types {@code bytes} into the sandbox's terminal. One write at a time: the controlling client's
   * keys and the prompt watcher's answers never interleave mid-write.
   *
   * @throws IOException if the sandbox's input is closed (it ended)
   */
  void input(byte[] bytes) throws IOException {
    input.write(bytes);
  }

  String name() {
    return spec.id().value();
  }

  SandboxSpec spec() {
    return spec;
  }

  Sandbox sandbox() {
    return sandbox;
  }

  AppendLog log() {
    return log;
  }

  boolean running() {
    return ended.getCount() > 0;
  }

  @Nullable SandboxOutcome outcome() {
    return running() ? null : outcome;
  }

  /** Stops the sandbox: SIGTERM, then SIGKILL after {@code graceMillis}. */
  void stop(long graceMillis) throws InterruptedException {
    stopped = true;
    if (running()) {
      sandbox.process().signal(15);
      if (!ended.await(graceMillis, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        sandbox.process().kill();
        ended.await();
      }
    }
  }

  /** Takes control of the terminal for {@code session}; false if another client has it. */
  boolean control(String session) {
    return controller.compareAndSet(null, session) || session.equals(controller.get());
  }

  boolean controls(String session) {
    return session.equals(controller.get());
  }

  void release(String session) {
    controller.compareAndSet(session, null);
  }

  SandboxView view() {
    SandboxOutcome done = outcome();
    return new SandboxView(
        name(),
        running() ? "running" : stopped ? "stopped" : "exited",
        backend,
        spec.workspace().path().toString(),
        spec.command(),
        spec.stdio() == Stdio.TTY,
        created.toString(),
        done == null ? null : done.exitCode(),
        log.size());
  }
}
