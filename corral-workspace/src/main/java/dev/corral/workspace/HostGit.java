package dev.corral.workspace;

import dev.corral.core.EnvironmentException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs the {@code git} command line on the host, only ever in repositories Corral trusts: the
 * user's own repository, a clone before any sandbox ran in it, and Corral's host-owned vaults.
 * Never in a clone after an agent ran: git there would execute what the agent planted (hooks,
 * {@code core.fsmonitor}, filters, {@code include.path}).
 */
final class HostGit {
  /** Output kept from one command; more is cut (a diff goes through a file instead). */
  private static final int MAX_OUTPUT = 1 << 20;

  private HostGit() {}

  /** What a git command printed and how it exited. */
  record Result(int code, String out, String err) {
    boolean ok() {
      return code == 0;
    }

    /** The first line of stderr (or stdout), for messages. */
    String reason() {
      String text = err.isBlank() ? out : err;
      return text.strip().lines().findFirst().orElse("exit code " + code);
    }
  }

  /** Runs {@code git -C dir args...}. */
  static Result run(Path dir, List<String> args) {
    return run(dir, args, Map.of());
  }

  /** Runs {@code git -C dir args...} with extra environment variables. */
  static Result run(Path dir, List<String> args, Map<String, String> env) {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE);
    pb.environment().putAll(env);
    pb.environment().put("GIT_TERMINAL_PROMPT", "0");
    pb.environment().put("LC_ALL", "C");
    // LFS pointers stay pointers: smudging would download from the network.
    pb.environment().put("GIT_LFS_SKIP_SMUDGE", "1");
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot run git: " + e.getMessage(), "install git (apt-get install git)", e);
    }
    try {
      process.getOutputStream().close();
      CompletableFuture<String> err =
          CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
      String out = read(process.getInputStream());
      int code = process.waitFor();
      return new Result(code, out, err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted while running git " + args, null, e);
    }
  }

  /** Runs git and returns its trimmed output, or throws with {@code what} and git's reason. */
  static String output(Path dir, List<String> args, String what) {
    Result r = run(dir, args);
    if (!r.ok()) {
      throw new EnvironmentException(what + ": git " + args.getFirst() + ": " + r.reason(), null);
    }
    return r.out().strip();
  }

  private static String read(InputStream in) {
    try (in) {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      byte[] chunk = new byte[8192];
      int n;
      while ((n = in.read(chunk)) >= 0) {
        if (buffer.size() < MAX_OUTPUT) {
          buffer.write(chunk, 0, Math.min(n, MAX_OUTPUT - buffer.size()));
        }
      }
      return buffer.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
