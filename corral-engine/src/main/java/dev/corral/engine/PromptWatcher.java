package dev.corral.engine;

import dev.corral.core.ApprovalAnswer;
import dev.corral.core.ApprovalGate;
import dev.corral.core.ApprovalRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Watches one sandbox's terminal output for a prompt and asks a human about it. Fed the PTY's
 * output ({@link #output}) and ticked now and then ({@link #tick}); when the screen has been quiet
 * and the {@link PromptDetector} scores it as waiting, it opens an {@link ApprovalRequest.Prompt}
 * with the last screen. An answer {@link ApprovalAnswer.Text} is typed into the sandbox's terminal
 * (the text and a newline, written to {@code input}); any other answer types nothing. At most one
 * prompt per sandbox is pending; it is withdrawn (its future cancelled) when the output moves on
 * before an answer, and a screen that was already asked about is not asked about again.
 *
 * <p>Time comes from the {@link InstantSource}, so tests replay sessions without sleeping.
 * Thread-safe: output, ticks and answers may arrive on different threads; the answer is written
 * without holding the watcher's lock.
 */
public final class PromptWatcher {
  private static final System.Logger LOG = System.getLogger(PromptWatcher.class.getName());

  private final String sandbox;
  private final ApprovalGate gate;
  private final OutputStream input;
  private final InstantSource clock;
  private final PromptDetector detector;
  private final Duration hold;
  private final TerminalScreen screen;
  private Instant lastOutput;
  private @Nullable CompletableFuture<ApprovalAnswer> pending;
  private String askedScreen = "";
  private boolean closed;

  /**
   * A watcher for {@code sandbox}'s terminal of {@code rows} by {@code cols}.
   *
   * @param input the sandbox terminal's input; answers are written and flushed there
   * @param hold how long an opened prompt approval waits for an answer
   */
  public PromptWatcher(
      String sandbox,
      ApprovalGate gate,
      OutputStream input,
      InstantSource clock,
      PromptDetector detector,
      Duration hold,
      int rows,
      int cols) {
    this.sandbox = sandbox;
    this.gate = gate;
    this.input = input;
    this.clock = clock;
    this.detector = detector;
    this.hold = hold;
    this.screen = new TerminalScreen(rows, cols);
    this.lastOutput = clock.instant();
  }

  /** Feeds terminal output; output that changes the screen withdraws a pending prompt. */
  public synchronized void output(byte[] bytes, int offset, int length) {
    if (length == 0 || closed) {
      return;
    }
    screen.write(bytes, offset, length);
    lastOutput = clock.instant();
    if (pending != null && !screen.text().equals(askedScreen)) {
      // The agent moved on (or someone answered at the terminal): the question is stale.
      CompletableFuture<ApprovalAnswer> stale = pending;
      pending = null;
      stale.cancel(false);
    }
  }

  /** The terminal was resized: the watcher's screen follows (the program redraws next). */
  public synchronized void resize(int rows, int cols) {
    if (rows >= 2 && cols >= 2 && (rows != screen.rows() || cols != screen.columns())) {
      screen.resize(rows, cols);
    }
  }

  /** Checks the screen now; opens a prompt approval when it scores as waiting. */
  public void tick() {
    CompletableFuture<ApprovalAnswer> opened;
    synchronized (this) {
      if (pending != null || closed) {
        return;
      }
      Duration silent = Duration.between(lastOutput, clock.instant());
      var score = detector.detect(screen, silent);
      String text = screen.text();
      if (score.isEmpty() || text.equals(askedScreen)) {
        return;
      }
      askedScreen = text;
      try {
        opened = gate.open(new ApprovalRequest.Prompt(sandbox, text, score.get().question()), hold);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "cannot open a prompt approval for " + sandbox, e);
        return;
      }
      pending = opened;
    }
    var _ = opened.whenComplete((answer, error) -> answered(opened, answer));
  }

  /** Stops watching (the sandbox is gone) and withdraws a pending prompt. Idempotent. */
  public void close() {
    CompletableFuture<ApprovalAnswer> stale;
    synchronized (this) {
      closed = true;
      stale = pending;
      pending = null;
    }
    if (stale != null) {
      stale.cancel(false);
    }
  }

  /** Whether a prompt approval is open right now. */
  public synchronized boolean pending() {
    return pending != null;
  }

  /** The screen as the watcher sees it. */
  public synchronized String screen() {
    return screen.text();
  }

  // Identity on purpose: only the answer to the approval that is still pending counts.
  @SuppressWarnings("ReferenceEquality")
  private void answered(CompletableFuture<ApprovalAnswer> which, @Nullable ApprovalAnswer answer) {
    synchronized (this) {
      if (pending != which) {
        return; // withdrawn: the agent moved on
      }
      pending = null;
    }
    if (answer instanceof ApprovalAnswer.Text(String text)) {
      type(text);
    }
  }

  private void type(String text) {
    // Typed like a human would: the line, then Enter. Never run anywhere but the sandbox's
    // terminal.
    byte[] bytes = (text + "\r").getBytes(StandardCharsets.UTF_8);
    try {
      input.write(bytes);
      input.flush();
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "cannot type the answer into sandbox " + sandbox + ": " + e.getMessage());
    }
  }
}
