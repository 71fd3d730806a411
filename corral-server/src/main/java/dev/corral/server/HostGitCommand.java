package dev.corral.server;

import dev.corral.core.ConflictException;
import dev.corral.core.EnvironmentException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The {@code git} command on the host, for repositories no agent has touched (a task's source, the
 * server's mirrors of git URLs): never prompts (ssh in batch mode, no terminal prompt), no system
 * config, hooks and fsmonitor off, the {@code ext::} transport refused, and a time limit.
 */
final class HostGitCommand {
  static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final List<String> HARDENING =
      List.of(
          "-c", "core.hooksPath=/dev/null",
          "-c", "core.fsmonitor=false",
          "-c", "protocol.ext.allow=never",
          "-c", "commit.gpgsign=false");

  private HostGitCommand() {}

  /** Runs git; its stderr goes to {@code log}; returns stdout; a failure names the git command. */
  static String run(@Nullable Path cwd, OutputStream log, String... args) {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(HARDENING);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    if (cwd != null) {
      builder.directory(cwd.toFile());
    }
    builder.environment().put("GIT_TERMINAL_PROMPT", "0");
    builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    builder.environment().put("GIT_PAGER", "cat");
    builder.environment().put("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    try {
      Process process = builder.start();
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      ByteArrayOutputStream errors = new ByteArrayOutputStream();
      Thread stdout = Thread.ofVirtual().start(() -> copy(process.getInputStream(), output));
      Thread stderr = Thread.ofVirtual().start(() -> copy(process.getErrorStream(), errors));
      if (!process.waitFor(TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new ConflictException(
            "git " + args[0] + " did not finish within " + TIMEOUT.toMinutes() + " minutes",
            "check that the repository is reachable");
      }
      stdout.join();
      stderr.join();
      int code = process.exitValue();
      byte[] err = errors.toByteArray();
      log.write(err);
      if (code != 0) {
        String message = new String(err, StandardCharsets.UTF_8).strip();
        throw new ConflictException(
            "git " + args[0] + " failed (exit " + code + "): " + lastLine(message), null);
      }
      return output.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot run git: " + e.getMessage(), "install git (apt-get install git)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConflictException("interrupted while running git " + args[0], null);
    }
  }

  private static String lastLine(String text) {
    List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
    return lines.isEmpty() ? "no message" : lines.getLast();
  }

  private static void copy(InputStream in, OutputStream out) {
    try {
      in.transferTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
