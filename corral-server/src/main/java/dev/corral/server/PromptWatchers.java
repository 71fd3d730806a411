package dev.corral.server;

import dev.corral.core.ApprovalGate;
import dev.corral.engine.PromptDetector;
import dev.corral.engine.PromptWatcher;
import java.io.OutputStream;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The prompt watchers of the server's sandboxes with a terminal: one {@link PromptWatcher} each,
 * all ticked from one scheduled thread every {@link #TICK}. A watcher opens its prompt approvals
 * through the server's approval queue and holds each for the configured time ({@code
 * approvals.prompt-hold}). Thread-safe.
 */
final class PromptWatchers implements AutoCloseable {
  /** How often every watcher checks its screen. */
  static final Duration TICK = Duration.ofMillis(250);

  /** The terminal size a sandbox starts with (the native backend's PTY is 80 by 24). */
  static final int ROWS = 24;

  static final int COLUMNS = 80;

  private static final System.Logger LOG = System.getLogger(PromptWatchers.class.getName());

  private final ApprovalGate gate;
  private final Duration hold;
  private final Set<PromptWatcher> watchers = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("corral-prompt-watchers").daemon().factory());

  /**
   * Watchers that open their approvals through {@code gate} and hold each for {@code hold} (the
   * agent's output moving on withdraws it sooner).
   */
  PromptWatchers(ApprovalGate gate, Duration hold) {
    this.gate = gate;
    this.hold = hold;
    var _ =
        ticker.scheduleWithFixedDelay(
            this::tickAll, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Starts watching {@code name}'s terminal; answers are typed into {@code input} (which must
   * serialize its writes with every other writer of that terminal). Close the watcher with {@link
   * #stop}.
   */
  PromptWatcher watch(String name, OutputStream input) {
    PromptWatcher watcher =
        new PromptWatcher(
            name,
            gate,
            input,
            InstantSource.system(),
            PromptDetector.defaults(),
            hold,
            ROWS,
            COLUMNS);
    watchers.add(watcher);
    return watcher;
  }

  /** Stops watching: the watcher withdraws its pending approval. */
  void stop(PromptWatcher watcher) {
    watchers.remove(watcher);
    watcher.close();
  }

  private void tickAll() {
    for (PromptWatcher watcher : watchers) {
      try {
        watcher.tick();
      } catch (RuntimeException e) {
        // One broken watcher must not stop the others (a thrown exception ends the schedule).
        LOG.log(System.Logger.Level.WARNING, "a prompt watcher failed", e);
      }
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    for (PromptWatcher watcher : watchers) {
      stop(watcher);
    }
  }
}
