package dev.corral.workspace;

import dev.corral.core.EnvironmentException;
import dev.corral.core.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings a workspace's saved branch into the user's repository: {@code merge} as a merge (or
 * squash) commit on the current branch, {@code apply} as unstaged changes in the working tree. Both
 * refuse, leaving the repository as it was, when the working tree has uncommitted changes or the
 * changes conflict. The branch comes from the host-owned vault; git runs only in the user's
 * repository.
 */
final class Integrator {
  private final Metadata meta;
  private final Path repo;
  private final Path vault;
  private final String tipRef;

  Integrator(Metadata meta, Path vault) {
    this.meta = meta;
    this.repo = Path.of(meta.repo());
    this.vault = vault;
    this.tipRef = "refs/corral/" + meta.name() + "/tip";
  }

  /** Merges and returns the new commit on the user's branch. */
  String merge(boolean squash, String message) {
    String branch = checkRepository("merge");
    fetch();
    refuseConflicts("merge");
    HostGit.Result merged =
        squash
            ? HostGit.run(repo, List.of("merge", "--squash", "-q", tipRef))
            : HostGit.run(repo, List.of("merge", "--no-ff", "-q", "-m", message, tipRef));
    if (merged.ok() && squash) {
      merged = HostGit.run(repo, List.of("commit", "-q", "-m", message));
    }
    if (!merged.ok()) {
      undo();
      throw new UsageException(
          "git could not merge " + meta.branch() + " into " + branch + ": " + merged.reason(),
          "your repository was reset to where it was; merge by hand with `git merge "
              + tipRef
              + "`");
    }
    return HostGit.output(repo, List.of("rev-parse", "HEAD"), "cannot read the merge commit");
  }

  /** Applies the changes to the working tree, unstaged; returns the changed paths. */
  List<String> apply() {
    checkRepository("apply");
    fetch();
    Path patch;
    try {
      patch = Files.createTempFile("corral-apply-", ".patch");
    } catch (IOException e) {
      throw new EnvironmentException("cannot create a temporary file: " + e.getMessage(), null, e);
    }
    try {
      ProcessBuilder pb =
          new ProcessBuilder(
                  "git",
                  "-C",
                  repo.toString(),
                  "diff",
                  "--binary",
                  "--full-index",
                  "--no-ext-diff",
                  "--no-textconv",
                  "--no-color",
                  "--no-renames",
                  meta.base(),
                  tipRef)
              .redirectOutput(patch.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD);
      int code = pb.start().waitFor();
      if (code != 0) {
        throw new EnvironmentException("cannot compute the changes of " + meta.name(), null);
      }
      HostGit.Result check = HostGit.run(repo, List.of("apply", "--check", patch.toString()));
      if (!check.ok()) {
        throw new UsageException(
            "the changes of "
                + meta.name()
                + " do not apply to your working tree: "
                + check.reason(),
            "nothing was changed; merge instead (`corral merge "
                + meta.name()
                + "`), or update your tree to the workspace's base "
                + meta.base().substring(0, 12));
      }
      HostGit.Result applied = HostGit.run(repo, List.of("apply", patch.toString()));
      if (!applied.ok()) {
        throw new EnvironmentException("git apply failed: " + applied.reason(), null);
      }
      return HostGit.output(repo, List.of("diff", "--name-only", meta.base(), tipRef), "")
          .lines()
          .toList();
    } catch (IOException e) {
      throw new EnvironmentException("cannot run git: " + e.getMessage(), null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted while applying " + meta.name(), null, e);
    } finally {
      try {
        Files.deleteIfExists(patch);
      } catch (IOException ignored) {
        // a stray temp file is harmless
      }
    }
  }

  /** Refuses a missing repository, a detached HEAD, a merge in progress or a dirty tree. */
  private String checkRepository(String verb) {
    if (!Files.isDirectory(repo)) {
      throw new UsageException(
          "the repository " + repo + " of workspace " + meta.name() + " no longer exists",
          "remove the workspace with `corral rm " + meta.name() + " --force`");
    }
    HostGit.Result branch = HostGit.run(repo, List.of("symbolic-ref", "-q", "--short", "HEAD"));
    if (!branch.ok()) {
      throw new UsageException(
          "cannot " + verb + " into " + repo + ": HEAD is detached",
          "check out the branch to " + verb + " into (git switch BRANCH), then try again");
    }
    if (HostGit.run(repo, List.of("rev-parse", "-q", "--verify", "MERGE_HEAD")).ok()) {
      throw new UsageException(
          "cannot " + verb + " into " + repo + ": a merge is in progress there",
          "finish or abort it (git merge --abort) first");
    }
    HostGit.Result status =
        HostGit.run(repo, List.of("status", "--porcelain", "--untracked-files=no"));
    if (!status.ok() || !status.out().isBlank()) {
      List<String> dirty = status.out().lines().limit(5).map(String::strip).toList();
      throw new UsageException(
          "cannot "
              + verb
              + " "
              + meta.name()
              + ": your working tree at "
              + repo
              + " has uncommitted changes ("
              + String.join(", ", dirty)
              + ")",
          "commit or stash them (git stash), then run `corral " + verb + " " + meta.name() + "`");
    }
    return branch.out().strip();
  }

  /** Copies the saved branch from the vault into {@code refs/corral/<name>/tip}. */
  private void fetch() {
    HostGit.Result r =
        HostGit.run(
            repo,
            List.of(
                "fetch",
                "-q",
                "--no-tags",
                "--no-write-fetch-head",
                "--",
                vault.toString(),
                "+refs/heads/" + meta.branch() + ":" + tipRef));
    if (!r.ok()) {
      throw new EnvironmentException(
          "cannot fetch " + meta.branch() + " from the vault " + vault + ": " + r.reason(), null);
    }
  }

  private void refuseConflicts(String verb) {
    HostGit.Result r =
        HostGit.run(
            repo,
            List.of("merge-tree", "--write-tree", "--name-only", "--no-messages", "HEAD", tipRef));
    if (r.code() == 1) {
      List<String> lines = r.out().strip().lines().skip(1).filter(l -> !l.isBlank()).toList();
      List<String> files = new ArrayList<>(lines.stream().distinct().limit(10).toList());
      throw new UsageException(
          "cannot "
              + verb
              + " "
              + meta.name()
              + ": it conflicts with your branch in "
              + String.join(", ", files),
          "nothing was changed; resolve by hand with `git merge "
              + tipRef
              + "`, or discard the"
              + " workspace with `corral rm "
              + meta.name()
              + "`");
    }
    if (!r.ok()) {
      throw new EnvironmentException(
          "cannot check " + meta.name() + " for conflicts: " + r.reason(),
          "Corral needs git 2.38 or newer (git merge-tree --write-tree)");
    }
  }

  /** Puts the tracked files back to HEAD after a failed merge (the tree was clean before). */
  private void undo() {
    HostGit.run(repo, List.of("merge", "--abort"));
    HostGit.run(repo, List.of("reset", "-q", "--merge"));
  }
}
