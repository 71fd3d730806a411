package dev.corral.server;

import dev.corral.core.TaskId;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a task's agent works: a clone of the task's repository on its own branch, and what came of
 * it. The seam where {@code corral-workspace} plugs in; {@link GitCloneWorkspaces} is the plain
 * {@code git} implementation. Implementations are thread-safe.
 */
public interface TaskWorkspaces {

  /**
   * Checks a repository and ref at submit time, before the task is accepted.
   *
   * @throws dev.corral.core.UsageException naming the repo or ref when it cannot be used
   */
  void check(String repo, Optional<String> ref);

  /**
   * Clones {@code repo} at {@code ref} into {@code dir} on branch {@link #branch(TaskId)},
   * reporting progress to {@code log}.
   */
  Prepared prepare(TaskId task, String repo, Optional<String> ref, Path dir, OutputStream log);

  /** The branch a task's changes are on. */
  default String branch(TaskId task) {
    return "corral/" + task.value();
  }

  /** A prepared workspace. */
  interface Prepared {
    Path path();

    /**
     * Records what the agent changed (a commit on the task's branch) and returns the diff from the
     * starting point, empty if nothing changed.
     */
    String finish();
  }

  /**
   * Brings a finished task's branch back into its source repository as branch {@link
   * #branch(TaskId)} (the user merges it from there); returns the branch's commit.
   *
   * @throws dev.corral.core.ConflictException if the source is not a local repository or the task
   *     left no changes
   */
  String deliver(TaskId task, String repo, Path dir);

  /**
   * Applies a finished task's diff to the working tree of its (local) source repository, unstaged,
   * for the user to review and commit. Git refuses paths outside the tree, inside {@code .git} and
   * behind symbolic links.
   *
   * @throws dev.corral.core.ConflictException if the source is not a local repository or the diff
   *     does not apply cleanly (nothing is changed then)
   */
  void apply(TaskId task, String repo, Path diff);
}
