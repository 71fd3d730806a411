package dev.corral.server;

import dev.corral.core.EnvironmentException;
import dev.corral.core.HostPath;
import dev.corral.core.UsageException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * Where a task's repository comes from: a local path is used as it is; a git URL is cloned once
 * into a bare mirror under the server's data directory and fetched again for every later task. The
 * mirror is only ever written by host git fetching from the URL (never by an agent: sandboxes see
 * its objects read-only), so running git there is safe. Thread-safe: one fetch per mirror at a
 * time.
 */
final class TaskSources {
  private static final Pattern URL = Pattern.compile("^([a-z][a-z0-9+.-]*)://.+");
  private static final Pattern SCP = Pattern.compile("^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:.+");
  private static final Set<String> SCHEMES = Set.of("https", "http", "ssh", "git", "file");
  private static final Pattern REF = Pattern.compile("[A-Za-z0-9._/@^~{}-]{1,200}");

  private final Path mirrors;
  private final ConcurrentHashMap<Path, ReentrantLock> locks = new ConcurrentHashMap<>();

  TaskSources(Path mirrors) {
    this.mirrors = mirrors;
  }

  /** Whether {@code repo} is a git URL rather than a local path. */
  static boolean remote(String repo) {
    return URL.matcher(repo).matches() || SCP.matcher(repo).matches();
  }

  /** Checks a repository and ref at submit time; a usage error names what is wrong. */
  static void check(String repo, Optional<String> ref) {
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

  /** The local repository to clone {@code repo} from: itself, or its fetched mirror. */
  HostPath local(String repo, OutputStream log) {
    if (!remote(repo)) {
      return HostPath.of(repo);
    }
    Path mirror = mirrors.resolve(hash(repo) + ".git");
    ReentrantLock lock = locks.computeIfAbsent(mirror, m -> new ReentrantLock());
    lock.lock();
    try {
      if (Files.isRegularFile(mirror.resolve("HEAD"))) {
        line(log, "corral: fetching " + repo + " into its mirror");
        // No --prune: refs/corral/* pins of live workspaces live in the mirror too.
        HostGitCommand.run(
            mirror,
            log,
            "fetch",
            "--quiet",
            "--force",
            "--",
            repo,
            "+refs/heads/*:refs/heads/*",
            "+refs/tags/*:refs/tags/*");
      } else {
        line(log, "corral: cloning " + repo + " into a mirror");
        Files.createDirectories(mirrors);
        Path partial = mirrors.resolve(hash(repo) + ".partial");
        HostGitCommand.run(null, log, "init", "--quiet", "--bare", "--", partial.toString());
        HostGitCommand.run(
            partial,
            log,
            "fetch",
            "--quiet",
            "--",
            repo,
            "+refs/heads/*:refs/heads/*",
            "+refs/tags/*:refs/tags/*");
        String head = remoteHead(partial, repo, log);
        if (head != null) {
          HostGitCommand.run(partial, log, "symbolic-ref", "HEAD", head);
        }
        Files.move(partial, mirror);
      }
      return HostPath.of(mirror);
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot create the mirror of " + repo + " under " + mirrors + ": " + e.getMessage(),
          "check free space and permissions of the server's data directory");
    } finally {
      lock.unlock();
    }
  }

  /** The remote's default branch, e.g. {@code refs/heads/main}, or null when it has none. */
  private static @org.jspecify.annotations.Nullable String remoteHead(
      Path mirror, String repo, OutputStream log) {
    String out = HostGitCommand.run(mirror, log, "ls-remote", "--symref", "--", repo, "HEAD");
    for (String l : out.lines().toList()) {
      if (l.startsWith("ref: ") && l.endsWith("\tHEAD")) {
        String ref = l.substring(5, l.length() - 5);
        return ref.startsWith("refs/heads/") && REF.matcher(ref).matches() ? ref : null;
      }
    }
    return null;
  }

  private static String hash(String repo) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(repo.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void line(OutputStream log, String text) {
    try {
      log.write((text + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // best effort progress line
    }
  }
}
