package dev.corral.cli;

import dev.corral.core.EnvironmentException;
import dev.corral.core.SandboxOutcome;
import dev.corral.core.SandboxProcess;
import dev.corral.engine.Sandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.EnumSet;
import org.jline.terminal.Attributes;
import org.jline.terminal.Attributes.ControlChar;
import org.jline.terminal.Attributes.InputFlag;
import org.jline.terminal.Attributes.LocalFlag;
import org.jline.terminal.Attributes.OutputFlag;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.NonBlockingInputStream;

/**
 * Passes the user's terminal through to the sandbox's private pseudo-terminal: the user's terminal
 * goes into raw mode (so Ctrl-C, Ctrl-Z and every other key are bytes for the sandbox), input and
 * output are copied, and the window size is forwarded at start and on every SIGWINCH. The
 * terminal's settings are restored however the sandbox ends.
 */
final class TerminalAttachment implements Attachment {
  private static final System.Logger LOG = System.getLogger(TerminalAttachment.class.getName());
  private static final long POLL_MILLIS = 100;

  private final Terminal terminal;
  private volatile boolean ended;

  private TerminalAttachment(Terminal terminal) {
    this.terminal = terminal;
  }

  /** Opens the process's terminal. */
  static TerminalAttachment open() {
    try {
      return new TerminalAttachment(
          TerminalBuilder.builder().system(true).dumb(false).nativeSignals(true).build());
    } catch (IOException | IllegalStateException e) {
      throw new EnvironmentException(
          "cannot open the terminal: " + e.getMessage(), "run with --no-tty to use plain pipes", e);
    }
  }

  @Override
  public SandboxOutcome attach(Sandbox sandbox) throws InterruptedException {
    SandboxProcess process = sandbox.process();
    Attributes saved = terminal.enterRawMode();
    terminal.setAttributes(raw(saved));
    Terminal.SignalHandler winch =
        terminal.handle(Terminal.Signal.WINCH, signal -> resize(process));
    try (var forwarder =
        SignalForwarder.forward(process, SignalForwarder.TERM, SignalForwarder.HUP)) {
      resize(process);
      Thread output =
          Thread.ofVirtual()
              .name("corral-tty-out")
              .start(() -> copyOutput(process.stdout(), terminal.output()));
      Thread.ofVirtual().name("corral-tty-in").start(() -> copyInput(process.stdin()));
      SandboxOutcome outcome = sandbox.await();
      output.join(Duration.ofSeconds(2));
      return outcome;
    } finally {
      ended = true;
      terminal.handle(Terminal.Signal.WINCH, winch);
      terminal.setAttributes(saved);
      terminal.flush();
    }
  }

  /** Like cfmakeraw(3): no echo, no line editing, no signals from keys, no output processing. */
  static Attributes raw(Attributes saved) {
    Attributes raw = new Attributes(saved);
    raw.setLocalFlags(EnumSet.of(LocalFlag.ICANON, LocalFlag.ECHO, LocalFlag.IEXTEN), false);
    raw.setLocalFlag(LocalFlag.ISIG, false);
    raw.setInputFlags(
        EnumSet.of(
            InputFlag.IXON,
            InputFlag.ICRNL,
            InputFlag.INLCR,
            InputFlag.IGNCR,
            InputFlag.ISTRIP,
            InputFlag.BRKINT,
            InputFlag.PARMRK),
        false);
    raw.setOutputFlag(OutputFlag.OPOST, false);
    raw.setControlChar(ControlChar.VMIN, 1);
    raw.setControlChar(ControlChar.VTIME, 0);
    return raw;
  }

  private void resize(SandboxProcess process) {
    var size = terminal.getSize();
    if (size.getColumns() > 0 && size.getRows() > 0) {
      process.resize(size.getColumns(), size.getRows());
    }
  }

  private void copyOutput(InputStream from, OutputStream to) {
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = from.read(buffer)) >= 0; ) {
        to.write(buffer, 0, n);
        to.flush();
      }
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "sandbox terminal closed", e);
    }
  }

  /**
   * Reads what the user typed into {@code buffer}, waiting at most a poll interval when the
   * terminal can be polled (so a reader can notice that it should stop): the number of bytes, 0
   * when nothing came, -1 at the input's end.
   */
  static int readKeys(InputStream in, byte[] buffer) throws IOException {
    int n =
        in instanceof NonBlockingInputStream polling
            ? polling.readBuffered(buffer, POLL_MILLIS)
            : in.read(buffer);
    return n == NonBlockingInputStream.READ_EXPIRED ? 0 : n;
  }

  /** Polls so that the thread stops reading keys once the sandbox has ended. */
  private void copyInput(OutputStream to) {
    InputStream in = terminal.input();
    byte[] buffer = new byte[4096];
    try (to) {
      while (!ended) {
        int n = readKeys(in, buffer);
        if (n == 0) {
          continue;
        }
        if (n < 0) {
          break;
        }
        to.write(buffer, 0, n);
        to.flush();
      }
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "sandbox terminal input closed", e);
    }
  }

  @Override
  public void close() {
    ended = true;
    try {
      terminal.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "could not close the terminal", e);
    }
  }
}
