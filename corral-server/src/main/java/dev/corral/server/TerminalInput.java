package dev.corral.server;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A sandbox terminal's input shared by its writers (the controlling client, the prompt watcher):
 * every write is whole and flushed under one lock, so writers never interleave mid-write.
 * Thread-safe.
 */
final class TerminalInput extends OutputStream {
  private final Supplier<OutputStream> stdin;

  TerminalInput(Supplier<OutputStream> stdin) {
    this.stdin = stdin;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    byte[] copy = Arrays.copyOfRange(b, off, off + len);
    synchronized (this) {
      OutputStream out = stdin.get();
      out.write(copy);
      out.flush();
    }
  }
}
