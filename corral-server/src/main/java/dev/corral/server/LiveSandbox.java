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
  private final TerminalControl terminal;
  private volatile @Nullable SandboxOutcome outcome;
  private volatile boolean stopped;

  LiveSandbox(SandboxSpec spec, String backend, Sandbox sandbox, Instant created, AppendLog log) {
    this.spec = spec;
    this.backend = backend;
    this.sandbox = sandbox;
    this.created = created;
    this.log = log;
    this.terminal = new TerminalControl(sandbox.process());
  }

  /**
   * Starts copying output to the log and waiting for the end. A sandbox with a terminal also gets a
   * prompt watcher from {@code prompts}, fed the same output and stopped when the sandbox ends.
   */
  void watch(PromptWatchers prompts) {
    OutputStream out = log.appender();
    PromptWatcher watcher =
        spec.stdio() == Stdio.TTY ? prompts.watch(name(), terminal.input()) : null;
    terminal.watchedBy(watcher);
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

  /** The sandbox's terminal: who controls it, and the one input every writer goes through. */
  TerminalControl terminal() {
    return terminal;
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
