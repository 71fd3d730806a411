package dev.corral.egress;

import dev.corral.core.EgressDecision;
import dev.corral.core.EgressRecord;
import dev.corral.core.EnvironmentException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The egress audit log: one JSON object per line in {@code egress.jsonl} under a directory, rotated
 * by size to {@code egress.1.jsonl} … {@code egress.N.jsonl}. {@link #record} only queues (it never
 * blocks an event loop); one writer thread writes. When the queue is full, records are dropped and
 * a warning is logged. Thread-safe; {@link #close()} writes what is queued and stops.
 */
public final class JsonLinesAudit implements AuditSink, AutoCloseable {
  static final String FILE = "egress.jsonl";
  private static final System.Logger LOG = System.getLogger(JsonLinesAudit.class.getName());
  private static final int QUEUE = 65_536;
  private static final int BUFFER = 64 * 1024;

  private sealed interface Item {}

  private record Line(String json) implements Item {}

  private record Barrier(CountDownLatch done) implements Item {}

  private record Stop() implements Item {}

  private final Path dir;
  private final long maxBytes;
  private final int keep;
  private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>(QUEUE);
  private final Thread writer;
  private @Nullable OutputStream out;
  private long size;

  private JsonLinesAudit(Path dir, long maxBytes, int keep) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.keep = keep;
    this.writer = Thread.ofPlatform().name("corral-egress-audit").daemon().unstarted(this::run);
  }

  /** An audit log in {@code dir} rotating at 10 MiB, keeping 5 old files. */
  public static JsonLinesAudit open(Path dir) {
    return open(dir, 10L * 1024 * 1024, 5);
  }

  /**
   * @throws EnvironmentException if {@code dir} cannot be created
   */
  public static JsonLinesAudit open(Path dir, long maxBytes, int keep) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot create the egress audit directory " + dir + ": " + e.getMessage(), null, e);
    }
    JsonLinesAudit audit = new JsonLinesAudit(dir, maxBytes, Math.max(keep, 1));
    audit.writer.start();
    return audit;
  }

  /** The file being written now. */
  public Path current() {
    return dir.resolve(FILE);
  }

  @Override
  public void record(EgressRecord record) {
    if (!queue.offer(new Line(AuditJson.of(record)))) {
      LOG.log(System.Logger.Level.WARNING, "egress audit queue full; dropped a record");
    }
  }

  /** Waits until everything recorded so far is written (for tests and orderly shutdown). */
  public void sync() throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    queue.put(new Barrier(done));
    done.await(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    try {
      queue.put(new Stop());
      writer.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      while (true) {
        switch (queue.take()) {
          case Line line -> write(line.json());
          case Barrier barrier -> {
            flush();
            barrier.done().countDown();
          }
          case Stop stop -> {
            closeFile();
            return;
          }
        }
      }
    } catch (InterruptedException e) {
      closeFile();
    }
  }

  private void write(String json) {
    byte[] bytes = (json + "\n").getBytes(StandardCharsets.UTF_8);
    try {
      if (out == null) {
        openFile();
      }
      if (size > 0 && size + bytes.length > maxBytes) {
        rotate();
      }
      OutputStream stream = out;
      if (stream != null) {
        stream.write(bytes);
        size += bytes.length;
        if (queue.isEmpty()) {
          stream.flush();
        }
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot write the egress audit log in " + dir, e);
      closeFile();
    }
  }

  private void openFile() throws IOException {
    Path file = current();
    // Buffered: records are written in batches and flushed whenever the queue drains.
    out =
        new BufferedOutputStream(
            Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
            BUFFER);
    size = Files.size(file);
  }

  private void rotate() throws IOException {
    closeFile();
    Files.deleteIfExists(dir.resolve(rotated(keep)));
    for (int i = keep - 1; i >= 1; i--) {
      Path from = dir.resolve(rotated(i));
      if (Files.exists(from)) {
        Files.move(from, dir.resolve(rotated(i + 1)), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Files.move(current(), dir.resolve(rotated(1)), StandardCopyOption.REPLACE_EXISTING);
    openFile();
  }

  /**
   * The log files in {@code dir} that exist, oldest first: the rotated files from the highest index
   * down, then the file being written.
   */
  public static java.util.List<Path> files(Path dir) {
    java.util.List<Path> files = new java.util.ArrayList<>();
    for (int i = 1; Files.exists(dir.resolve(rotated(i))); i++) {
      files.addFirst(dir.resolve(rotated(i)));
    }
    if (Files.exists(dir.resolve(FILE))) {
      files.add(dir.resolve(FILE));
    }
    return java.util.List.copyOf(files);
  }

  /** The file being written in {@code dir}. */
  public static Path current(Path dir) {
    return dir.resolve(FILE);
  }

  static String rotated(int index) {
    return "egress." + index + ".jsonl";
  }

  private void flush() {
    try {
      if (out != null) {
        out.flush();
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot flush the egress audit log in " + dir, e);
    }
  }

  private void closeFile() {
    try {
      if (out != null) {
        out.close();
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot close the egress audit log in " + dir, e);
    }
    out = null;
  }

  /** {@code allow} or {@code deny}, as the audit log and {@code corral egress log} spell it. */
  static String decision(EgressDecision decision) {
    return switch (decision) {
      case EgressDecision.Allowed a -> "allow";
      case EgressDecision.Denied d -> "deny";
    };
  }
}
