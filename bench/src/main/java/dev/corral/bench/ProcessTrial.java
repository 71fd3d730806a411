package dev.corral.bench;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command as a whole process: spawn, first byte on stdout, exit. A watchdog kills it after
 * {@link #TIMEOUT_SECONDS} so a hanging sandbox fails the scenario instead of the benchmark.
 */
final class ProcessTrial implements Trial {
  static final int TIMEOUT_SECONDS = 60;

  private final List<String> command;
  private final Path directory;
  private final Path stderr;
  private final ScheduledExecutorService watchdog;

  ProcessTrial(List<String> command, Path directory, ScheduledExecutorService watchdog)
      throws IOException {
    this.command = List.copyOf(command);
    this.directory = directory;
    this.stderr = Files.createTempFile("corral-bench-", ".stderr");
    stderr.toFile().deleteOnExit();
    this.watchdog = watchdog;
  }

  @Override
  public Timing run() throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder(command)
            .directory(directory.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectError(stderr.toFile())
            .start();
    ScheduledFuture<?> kill =
        watchdog.schedule(process::destroyForcibly, TIMEOUT_SECONDS, TimeUnit.SECONDS);
    try (InputStream out = process.getInputStream()) {
      int first = out.read();
      long firstByte = System.nanoTime() - start;
      out.transferTo(OutputStream.nullOutputStream());
      int code = process.waitFor();
      long done = System.nanoTime() - start;
      if (first < 0 || code != 0) {
        throw new IOException(failure(first, code));
      }
      return new Timing(firstByte, done);
    } finally {
      kill.cancel(false);
      process.destroyForcibly();
    }
  }

  private String failure(int first, int code) throws IOException {
    String err = Files.readString(stderr, StandardCharsets.UTF_8).strip();
    int newline = err.indexOf('\n');
    String firstLine = newline < 0 ? err : err.substring(0, newline);
    return String.join(" ", command)
        + (first < 0 ? " printed nothing" : "")
        + " (exit "
        + code
        + ")"
        + (firstLine.isEmpty() ? "" : ": " + firstLine);
  }
}
