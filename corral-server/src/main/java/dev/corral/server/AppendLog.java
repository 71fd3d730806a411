package dev.corral.server;

import dev.corral.core.EnvironmentException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;

/**
 * An append-only log file that followers can wait on: a byte offset is a stable resume point, and
 * every append (and {@link #signal()}) wakes the waiters. Thread-safe.
 */
final class AppendLog {
  private final Path file;
  private long generation;

  AppendLog(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /** Opens the log for appending; every write wakes the followers. */
  OutputStream appender() {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      FileChannel channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      return new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
          ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
          while (buffer.hasRemaining()) {
            channel.write(buffer);
          }
          signal();
        }

        @Override
        public void close() throws IOException {
          channel.close();
          signal();
        }
      };
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot open the log " + file + ": " + e.getMessage(),
          "check that the data directory is writable and not full");
    }
  }

  long size() {
    try {
      return Files.size(file);
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Up to {@code max} bytes from {@code offset}; empty at the end. */
  byte[] read(long offset, int max) {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (offset >= size) {
        return new byte[0];
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(max, size - offset));
      while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
        // until full or at the end
      }
      return Arrays.copyOf(buffer.array(), buffer.position());
    } catch (NoSuchFileException e) {
      return new byte[0];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Wakes everyone waiting (new bytes, or the writer ended). */
  synchronized void signal() {
    generation++;
    notifyAll();
  }

  /** Waits until the log grows past {@code offset}, someone signals, or {@code max} passes. */
  synchronized void await(long offset, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    long start = generation;
    while (generation == start && size() <= offset) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }
}
