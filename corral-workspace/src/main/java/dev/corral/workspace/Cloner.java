package dev.corral.workspace;

import dev.corral.core.EnvironmentException;
import dev.corral.core.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Creates a clone workspace from the user's repository, before any sandbox runs in it, so the host
 * may use the git command line in both. The clone borrows the user's objects through alternates
 * ({@code git clone --shared}) instead of hard links, so nothing in it can rewrite the user's
 * object files; a sandbox sees the user's object directory read-only.
 */
final class Cloner {
  private final WorkspaceStore store;

  Cloner(WorkspaceStore store) {
    this.store = store;
  }

  /** The user's repository that {@code dir} is in, or a usage error for clone mode. */
  static Path topLevel(Path dir) {
    HostGit.Result r = HostGit.run(dir, List.of("rev-parse", "--show-toplevel"));
    if (!r.ok()) {
      throw notARepository(dir);
    }
    return Path.of(r.out().strip());
  }

  private static UsageException notARepository(Path dir) {
    return new UsageException(
        "--workspace-mode clone needs a git repository, but " + dir + " is not in one",
        "run `git init && git add -A && git commit -m init` there, or use --workspace-mode mount");
  }

  /** The user's repository, its object directory and the commit a clone starts at. */
  private record Source(Path repo, String objects, String base) {}

  /**
   * Finds the repository {@code dir} is in (its top-level directory, or {@code dir} itself when it
   * is a bare repository such as a server's mirror of a git URL), its object directory and the
   * commit {@code wanted} names there, with one {@code git rev-parse}.
   */
  private static Source locate(Path dir, Optional<String> start) {
    String wanted = start.orElse("HEAD");
    if (wanted.startsWith("-")) {
      throw new UsageException(
          "invalid start point '" + wanted + "'", "give a branch, tag or commit");
    }
    // Checked on the file system, not with --show-toplevel, which fails in a bare repository.
    boolean bare =
        Files.isRegularFile(dir.resolve("HEAD"))
            && Files.isDirectory(dir.resolve("objects"))
            && Files.isDirectory(dir.resolve("refs"))
            && !Files.exists(dir.resolve(".git"));
    List<String> args = new ArrayList<>(List.of("rev-parse", "--path-format=absolute"));
    if (!bare) {
      args.add("--show-toplevel");
    }
    args.addAll(
        List.of(
            "--git-path", "objects", "--verify", "-q", "--end-of-options", wanted + "^{commit}"));
    HostGit.Result r = HostGit.run(dir, args);
    // rev-parse prints the paths before it resolves the commit: exit code 1 with both paths
    // printed means the repository is fine but has no such commit.
    List<String> lines = r.out().lines().toList();
    int paths = bare ? 1 : 2;
    if ((r.code() != 0 && r.code() != 1) || lines.size() < paths) {
      if (bare) {
        throw new EnvironmentException(
            "cannot read the repository " + dir + ": git rev-parse: " + r.reason(), null);
      }
      throw notARepository(dir);
    }
    if (lines.size() > paths + 1) {
      throw new UsageException(
          "the path of the repository " + dir + " contains a line break",
          "move or rename it, or use --workspace-mode mount");
    }
    Path repo;
    try {
      repo = bare ? dir.toRealPath() : Path.of(lines.getFirst());
    } catch (IOException e) {
      throw new EnvironmentException("cannot resolve " + dir + ": " + e.getMessage(), null, e);
    }
    if (!r.ok() || lines.size() == paths) {
      throw start.isPresent()
          ? new UsageException(
              "no commit '" + wanted + "' in the repository " + repo,
              "give a branch, tag or commit that exists there")
          : new UsageException(
              "the repository " + repo + " has no commits yet, so there is nothing to clone",
              "commit something first, or use --workspace-mode mount");
    }
    return new Source(repo, lines.get(paths - 1), lines.get(paths).strip());
  }

  Metadata create(
      Path dir,
      String name,
      Optional<String> start,
      boolean withChanges,
      String command,
      Consumer<String> warnings) {
    Source source = locate(dir, start);
    Path repo = source.repo();
    String base = source.base();
    String objects = source.objects();
    if (store.find(name).isPresent() || Files.exists(store.dir(name))) {
      throw new UsageException(
          "a clone workspace named '" + name + "' already exists",
          "choose another --name, or remove it with `corral rm " + name + "`");
    }
    if (Files.isRegularFile(repo.resolve(".gitmodules"))) {
      warnings.accept(
          "submodules are not checked out in clone workspaces; their directories stay empty");
    }
    String carried = withChanges ? carryChanges(repo, base, name) : null;
    Path partial = store.root().resolve(name + ".partial");
    WorkspaceStore.delete(partial);
    try {
      Files.createDirectories(partial);
      String branch = "corral/" + name;
      Path clone = partial.resolve("clone");
      // Independent steps run side by side: the clone and checkout, the vault (JGit, in this
      // process), the pinning ref and the check for uncommitted changes (both in the user's
      // repository). Closing the executor waits for all of them, also when one fails, so the
      // clean-up below never races a step still running.
      Future<Boolean> dirty;
      try (ExecutorService steps = Executors.newVirtualThreadPerTaskExecutor()) {
        dirty = steps.submit(() -> !withChanges && uncommitted(repo));
        Future<?> pin =
            steps.submit(
                () -> {
                  pinInUserRepository(repo, name, base);
                  return null;
                });
        Future<?> vault =
            steps.submit(
                () -> {
                  Vault.create(partial.resolve("vault.git"), Path.of(objects), branch, base);
                  return null;
                });
        git(
            repo,
            "cannot clone " + repo,
            "clone",
            "-q",
            "--shared",
            "--no-checkout",
            "--",
            repo.toString(),
            clone.toString());
        git(clone, "cannot check out " + base, "checkout", "-q", "-b", branch, base);
        if (carried != null) {
          git(
              clone,
              "cannot carry in your uncommitted changes",
              "restore",
              "--source=" + carried,
              "--worktree",
              "--",
              ":/");
        }
        await(vault);
        await(pin);
        await(dirty);
      }
      if (await(dirty)) {
        warnings.accept(
            "your uncommitted changes in "
                + repo
                + " are not carried into the clone (pass --with-changes to carry them in)");
      }
      Metadata meta =
          new Metadata(
              name,
              repo.toString(),
              objects,
              base,
              branch,
              command,
              Instant.now().toString(),
              Metadata.State.RUNNING,
              0,
              null,
              null,
              carried,
              null,
              null,
              null);
      WorkspaceStore.write(partial, meta);
      Files.move(partial, store.dir(name));
      return meta;
    } catch (IOException | RuntimeException e) {
      try {
        WorkspaceStore.delete(partial);
        unpin(repo, name);
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new EnvironmentException(
          "cannot create the clone workspace under " + partial + ": " + e.getMessage(),
          "check free space and permissions of " + store.root(),
          e);
    }
  }

  /** Whether the user's working tree has changes {@code git status} reports. */
  private static boolean uncommitted(Path repo) {
    HostGit.Result status = HostGit.run(repo, List.of("status", "--porcelain"));
    return status.ok() && !status.out().isBlank();
  }

  /** The result of a step run on the side; its own exception when it failed. */
  private static <T> T await(Future<T> step) throws IOException {
    try {
      return step.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted while creating a clone workspace", null, e);
    } catch (ExecutionException e) {
      switch (e.getCause()) {
        case null -> throw new IllegalStateException(e);
        case RuntimeException re -> throw re;
        case IOException io -> throw io;
        case Error error -> throw error;
        default -> throw new IllegalStateException(e.getCause());
      }
    }
  }

  /**
   * A commit on top of {@code base} with the user's staged, unstaged and untracked (not ignored)
   * changes, or null when there are none. Built with a temporary index, so the user's index and
   * working tree stay as they are.
   */
  private static @Nullable String carryChanges(Path repo, String base, String name) {
    Path index;
    try {
      index = Files.createTempFile("corral-index-", "");
    } catch (IOException e) {
      throw new EnvironmentException("cannot create a temporary index: " + e.getMessage(), null);
    }
    try {
      Path real =
          Path.of(
              HostGit.output(
                  repo,
                  List.of("rev-parse", "--path-format=absolute", "--git-path", "index"),
                  "no index"));
      if (Files.exists(real)) {
        Files.copy(real, index, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.delete(index);
      }
      Map<String, String> env = Map.of("GIT_INDEX_FILE", index.toString());
      check(HostGit.run(repo, List.of("add", "-A", "--", ":/"), env), "cannot read your changes");
      HostGit.Result tree = HostGit.run(repo, List.of("write-tree"), env);
      check(tree, "cannot record your changes");
      String baseTree = HostGit.output(repo, List.of("rev-parse", base + "^{tree}"), "no tree");
      if (tree.out().strip().equals(baseTree)) {
        return null;
      }
      HostGit.Result commit =
          HostGit.run(
              repo,
              List.of(
                  "commit-tree",
                  tree.out().strip(),
                  "-p",
                  base,
                  "-m",
                  "corral: uncommitted changes carried into " + name),
              Map.of(
                  "GIT_AUTHOR_NAME",
                  "corral",
                  "GIT_AUTHOR_EMAIL",
                  "corral",
                  "GIT_COMMITTER_NAME",
                  "corral",
                  "GIT_COMMITTER_EMAIL",
                  "corral"));
      check(commit, "cannot record your changes");
      String sha = commit.out().strip();
      git(repo, "cannot pin your changes", "update-ref", "refs/corral/" + name + "/changes", sha);
      return sha;
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot copy the index of " + repo + ": " + e.getMessage(), null, e);
    } finally {
      try {
        Files.deleteIfExists(index);
      } catch (IOException ignored) {
        // a stray temp file is harmless
      }
    }
  }

  /**
   * Keeps the base reachable in the user's repository while the workspace exists: the clone and
   * vault borrow its objects, and {@code git gc} would otherwise prune them after a rebase.
   */
  private static void pinInUserRepository(Path repo, String name, String base) {
    git(repo, "cannot pin the base commit", "update-ref", "refs/corral/" + name + "/base", base);
  }

  /** Deletes every {@code refs/corral/<name>/*} in the user's repository; absent ones are fine. */
  static void unpin(Path repo, String name) {
    if (!Files.isDirectory(repo)) {
      return;
    }
    HostGit.Result refs =
        HostGit.run(
            repo, List.of("for-each-ref", "--format=%(refname)", "refs/corral/" + name + "/"));
    if (refs.ok()) {
      for (String ref : refs.out().strip().lines().filter(l -> !l.isBlank()).toList()) {
        HostGit.run(repo, List.of("update-ref", "-d", ref));
      }
    }
  }

  private static void git(Path dir, String what, String... args) {
    check(HostGit.run(dir, List.of(args)), what);
  }

  private static void check(HostGit.Result r, String what) {
    if (!r.ok()) {
      throw new EnvironmentException(what + ": " + r.reason(), null);
    }
  }
}
