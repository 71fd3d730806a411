package dev.corral.bench;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server process the egress benchmark starts in the foreground (nginx, tinyproxy, squid), with
 * its output in a log file. {@link #close()} stops it and every process it spawned, so a failed run
 * leaves nothing behind.
 */
final class Daemon implements AutoCloseable {
  private static final long READY_TIMEOUT_MILLIS = 20_000;

  private final String name;
  private final Process process;
  private final Path log;

  private Daemon(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code command} and waits until every address in {@code ready} accepts connections.
   *
   * @throws IOException if it exits or is not ready in time (it is stopped then)
   */
  static Daemon start(String name, List<String> command, Path log, List<InetSocketAddress> ready)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Daemon daemon = new Daemon(name, process, log);
    try {
      daemon.awaitReady(ready);
      return daemon;
    } catch (IOException | InterruptedException | RuntimeException e) {
      daemon.close();
      throw e;
    }
  }

  private void awaitReady(List<InetSocketAddress> ready) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + READY_TIMEOUT_MILLIS;
    for (InetSocketAddress address : ready) {
      while (!accepts(address)) {
        if (!process.isAlive()) {
          throw new IOException(name + " exited (" + process.exitValue() + "): " + tail());
        }
        if (System.currentTimeMillis() > deadline) {
          throw new IOException(name + " did not listen on " + address + " in time: " + tail());
        }
        Thread.sleep(50);
      }
    }
  }

  private static boolean accepts(InetSocketAddress address) {
    try (Socket socket = new Socket()) {
      socket.connect(address, 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private String tail() throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join(" / ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
  }

  /** Stops the process and its descendants: TERM, then KILL after five seconds. */
  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }
}
