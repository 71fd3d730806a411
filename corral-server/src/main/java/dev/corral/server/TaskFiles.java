package dev.corral.server;

import dev.corral.core.EnvironmentException;
import dev.corral.core.TaskId;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files of each task under {@code DATA/tasks/ID/}: {@code log} (the agent's output, append
 * only, so a byte offset is a stable resume point), {@code workspace/} (its clone), {@code
 * diff.patch}, {@code artifacts/} and {@code denied-hosts}. Followers of a log wait on a per-task
 * signal that writers raise. Thread-safe.
 */
final class TaskFiles {
  private final Path root;
  private final Map<TaskId, Signal> signals = new ConcurrentHashMap<>();

  /** Raised on every append and when a task ends; {@code generation} tells wakeups apart. */
  private static final class Signal {
    long generation;
  }

  TaskFiles(Path dataDir) {
    this.root = dataDir.resolve("tasks");
  }

  Path dir(TaskId id) {
    return root.resolve(id.value());
  }

  Path log(TaskId id) {
    return dir(id).resolve("log");
  }

  Path workspace(TaskId id) {
    return dir(id).resolve("workspace");
  }

  Path artifacts(TaskId id) {
    return dir(id).resolve("artifacts");
  }

  Path diff(TaskId id) {
    return dir(id).resolve("diff.patch");
  }

  Path deniedHosts(TaskId id) {
    return dir(id).resolve("denied-hosts");
  }

  /** Opens the task's log for appending; every write wakes the followers. */
  OutputStream appender(TaskId id) {
    try {
      Files.createDirectories(dir(id));
      FileChannel channel =
          FileChannel.open(
              log(id),
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.APPEND);
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
          signal(id);
        }

        @Override
        public void close() throws IOException {
          channel.close();
          signal(id);
        }
      };
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot open the log of task " + id + ": " + e.getMessage(),
          "check that the data directory is writable and not full");
    }
  }

  long logSize(TaskId id) {
    try {
      return Files.size(log(id));
    } catch (NoSuchFileException e) {
      return 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Up to {@code max} bytes of the log from {@code offset}; empty at the end. */
  byte[] read(TaskId id, long offset, int max) {
    try (FileChannel channel = FileChannel.open(log(id), StandardOpenOption.READ)) {
      long size = channel.size();
      if (offset >= size) {
        return new byte[0];
      }
      ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(max, size - offset));
      while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
        // read until full or end
      }
      return buffer.flip().remaining() == buffer.capacity()
          ? buffer.array()
          : java.util.Arrays.copyOf(buffer.array(), buffer.remaining());
    } catch (NoSuchFileException e) {
      return new byte[0];
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Wakes everyone waiting on task {@code id}'s log (new bytes, or the task ended). */
  void signal(TaskId id) {
    Signal signal = signals.computeIfAbsent(id, k -> new Signal());
    synchronized (signal) {
      signal.generation++;
      signal.notifyAll();
    }
  }

  /** Waits until the log grows past {@code offset}, the task signals, or {@code max} passes. */
  void await(TaskId id, long offset, Duration max) throws InterruptedException {
    Signal signal = signals.computeIfAbsent(id, k -> new Signal());
    long deadline = System.nanoTime() + max.toNanos();
    synchronized (signal) {
      long start = signal.generation;
      while (signal.generation == start && logSize(id) <= offset) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        signal.wait(Math.max(1, left / 1_000_000));
      }
    }
  }
}
