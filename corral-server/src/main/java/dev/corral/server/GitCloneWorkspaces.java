package dev.corral.server;

import dev.corral.core.ConflictException;
import dev.corral.core.EnvironmentException;
import dev.corral.core.FilesystemPolicy;
import dev.corral.core.TaskId;
import dev.corral.core.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Task workspaces made with the {@code git} command: a full copy ({@code --no-hardlinks}, so an
 * agent cannot write through to the source's object files) on branch {@code corral/TASK}. Git runs
 * on the host with the clone's hooks, fsmonitor and external diff drivers switched off, because the
 * agent could have planted them.
 */
public final class GitCloneWorkspaces implements TaskWorkspaces {
  private static final Duration GIT_TIMEOUT = Duration.ofMinutes(10);
  private static final Pattern URL = Pattern.compile("^([a-z][a-z0-9+.-]*)://.+");
  private static final Pattern SCP = Pattern.compile("^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:.+");
  private static final Set<String> SCHEMES = Set.of("https", "http", "ssh", "git", "file");
  private static final Pattern REF = Pattern.compile("[A-Za-z0-9._/@^~{}-]{1,200}");
  private static final List<String> HARDENING =
      List.of(
          "-c", "core.hooksPath=/dev/null",
          "-c", "core.fsmonitor=false",
          "-c", "protocol.ext.allow=never",
          "-c", "user.name=Corral",
          "-c", "user.email=corral@localhost",
          "-c", "commit.gpgsign=false");

  @Override
  public void check(String repo, Optional<String> ref) {
    if (repo.startsWith("-")) {
      throw new UsageException("invalid repo '" + repo + "'", "give an absolute path or a git URL");
    }
    var url = URL.matcher(repo);
    if (url.matches()) {
      if (!SCHEMES.contains(url.group(1))) {
        throw new UsageException(
            "unsupported repo URL scheme '" + url.group(1) + "' in '" + repo + "'",
            "use https, ssh, git or file URLs");
      }
    } else if (!SCP.matcher(repo).matches()) {
      Path path = Path.of(repo);
      if (!path.isAbsolute()) {
        throw new UsageException(
            "repo '" + repo + "' is not an absolute path",
            "the server resolves paths on its own host: give an absolute path or a git URL");
      }
      if (!Files.isDirectory(path.resolve(".git")) && !Files.isRegularFile(path.resolve("HEAD"))) {
        throw new UsageException(
            "repo '" + repo + "' is not a git repository",
            "give the path of a git work tree or bare repository, or a git URL");
      }
    }
    ref.ifPresent(
        r -> {
          if (!REF.matcher(r).matches() || r.startsWith("-") || r.contains("..")) {
            throw new UsageException(
                "invalid ref '" + r + "'", "give a branch, tag or commit name, e.g. main or v1.2");
          }
        });
  }

  @Override
  public Prepared prepare(
      TaskId task, String repo, Optional<String> ref, Path dir, OutputStream log) {
    check(repo, ref);
    git(null, log, "clone", "--quiet", "--no-hardlinks", "--", repo, dir.toString());
    if (ref.isPresent()) {
      git(dir, log, "checkout", "--quiet", "--detach", ref.get(), "--");
    }
    git(dir, log, "checkout", "--quiet", "-b", branch(task));
    String base = git(dir, log, "rev-parse", "HEAD").strip();
    List<Path> absent =
        FilesystemPolicy.PROTECTED_IN_CLONE.stream()
            .map(dir::resolve)
            .filter(p -> !Files.exists(p, LinkOption.NOFOLLOW_LINKS))
            .toList();
    return new Prepared() {
      @Override
      public Path path() {
        return dir;
      }

      @Override
      public String finish() {
        removeMountStubs(absent);
        if (git(dir, log, "status", "--porcelain").isBlank()) {
          return "";
        }
        git(dir, log, "add", "-A");
        git(dir, log, "commit", "--quiet", "--no-verify", "-m", "corral task " + task.value());
        return git(dir, log, "diff", "--no-ext-diff", "--no-textconv", "--binary", base, "HEAD");
      }
    };
  }

  /**
   * A sandbox keeps protected workspace paths read-only by binding over them, and the bind leaves
   * an empty file or directory where nothing was. The agent cannot have written there (the paths
   * are read-only inside), so empty ones are such stubs and do not belong in the diff.
   */
  private static void removeMountStubs(List<Path> absent) {
    for (Path stub : absent) {
      try {
        if (Files.isRegularFile(stub, LinkOption.NOFOLLOW_LINKS) && Files.size(stub) == 0) {
          Files.delete(stub);
        } else if (Files.isDirectory(stub, LinkOption.NOFOLLOW_LINKS)) {
          try (var entries = Files.list(stub)) {
            if (entries.findAny().isEmpty()) {
              Files.delete(stub);
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public String deliver(TaskId task, String repo, Path dir) {
    if (URL.matcher(repo).matches() || SCP.matcher(repo).matches()) {
      throw new ConflictException(
          "task " + task + " came from " + repo + ", not a local repository",
          "fetch branch " + branch(task) + " from " + dir + " yourself");
    }
    OutputStream sink = OutputStream.nullOutputStream();
    git(
        Path.of(repo),
        sink,
        "fetch",
        "--quiet",
        "--no-tags",
        "--",
        dir.toString(),
        branch(task) + ":" + branch(task));
    return git(Path.of(repo), sink, "rev-parse", branch(task)).strip();
  }

  @Override
  public void apply(TaskId task, String repo, Path diff) {
    if (URL.matcher(repo).matches() || SCP.matcher(repo).matches()) {
      throw new ConflictException(
          "task " + task + " came from " + repo + ", not a local repository; nothing to apply to",
          "apply " + diff + " in your own checkout with `git apply`");
    }
    OutputStream sink = OutputStream.nullOutputStream();
    // --check first: git apply is all-or-nothing per patch, but say why before touching anything.
    git(Path.of(repo), sink, "apply", "--check", "--", diff.toAbsolutePath().toString());
    git(Path.of(repo), sink, "apply", "--", diff.toAbsolutePath().toString());
  }

  /** Runs git; its stderr goes to {@code log}; returns stdout; a failure names the git command. */
  private static String git(@Nullable Path cwd, OutputStream log, String... args) {
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
    builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    builder.environment().put("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
    try {
      Process process = builder.start();
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      ByteArrayOutputStream errors = new ByteArrayOutputStream();
      Thread stdout = Thread.ofVirtual().start(() -> copy(process.getInputStream(), output));
      Thread stderr = Thread.ofVirtual().start(() -> copy(process.getErrorStream(), errors));
      if (!process.waitFor(GIT_TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new ConflictException(
            "git " + args[0] + " did not finish within " + GIT_TIMEOUT.toMinutes() + " minutes",
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
