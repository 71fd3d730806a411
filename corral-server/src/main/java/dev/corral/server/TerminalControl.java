package dev.corral.server;

import dev.corral.api.TerminalResize;
import dev.corral.core.CorralException;
import dev.corral.core.SandboxProcess;
import dev.corral.engine.PromptWatcher;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * A sandbox's terminal as its clients share it: any number watch, at most one (a WebSocket session)
 * controls the keyboard and the size, and the prompt watcher types its answers through the same
 * {@link TerminalInput}, so nothing interleaves mid-write. Thread-safe.
 */
final class TerminalControl {
  /** The largest terminal a client may ask for. */
  static final int MAX_ROWS = 1000;

  static final int MAX_COLUMNS = 2000;

  private final SandboxProcess process;
  private final TerminalInput input;
  private final AtomicReference<@Nullable String> controller = new AtomicReference<>();
  private volatile @Nullable PromptWatcher watcher;

  TerminalControl(SandboxProcess process) {
    this.process = process;
    this.input = new TerminalInput(process::stdin);
  }

  /** The input every writer of this terminal goes through. */
  TerminalInput input() {
    return input;
  }

  /** The prompt watcher that sees this terminal's output; it follows the terminal's size. */
  void watchedBy(@Nullable PromptWatcher watcher) {
    this.watcher = watcher;
  }

  /** Takes control for {@code session}; false if another client has it. */
  boolean control(String session) {
    return controller.compareAndSet(null, session) || session.equals(controller.get());
  }

  boolean controls(String session) {
    return session.equals(controller.get());
  }

  void release(String session) {
    var _ = controller.compareAndSet(session, null);
  }

  /**
   * A binary WebSocket frame from {@code session}: keys to type. Ignored unless it has control;
   * dropped once the sandbox ended (its socket's follower closes the socket).
   */
  void binaryFrame(String session, ByteBuffer frame) {
    ByteBuffer data = frame.duplicate();
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    type(session, bytes);
  }

  /**
   * A text frame from {@code session}'s WebSocket: a {@link TerminalResize} as JSON ({@code
   * {"type":"resize",...}}), or else keys to type. Ignored unless it has control; dropped once the
   * sandbox ended.
   */
  void textFrame(String session, String text) {
    TerminalResize resize = text.startsWith("{") ? resizeOrNull(text) : null;
    if (resize != null) {
      resize(session, resize.columns(), resize.rows());
    } else {
      type(session, text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private void type(String session, byte[] bytes) {
    if (!controls(session)) {
      return;
    }
    try {
      input.write(bytes);
    } catch (IOException e) {
      // The sandbox ended: nobody reads its terminal any more.
    }
  }

  private static @Nullable TerminalResize resizeOrNull(String text) {
    try {
      TerminalResize resize =
          Json.read(text.getBytes(StandardCharsets.UTF_8), TerminalResize.class);
      return "resize".equals(resize.type()) ? resize : null;
    } catch (CorralException | IllegalArgumentException | java.io.UncheckedIOException e) {
      return null; // not a resize: keys that happen to start with a brace
    }
  }

  /**
   * Resizes the terminal for {@code session}; ignored unless it has control, and for sizes no
   * screen has ({@link #MAX_ROWS} by {@link #MAX_COLUMNS} at most: the server keeps a screen model
   * of that size for the prompt watcher).
   */
  void resize(String session, int columns, int rows) {
    if (controls(session)
        && columns > 0
        && rows > 0
        && columns <= MAX_COLUMNS
        && rows <= MAX_ROWS) {
      process.resize(columns, rows);
      PromptWatcher w = watcher;
      if (w != null) {
        w.resize(rows, columns);
      }
    }
  }
}
