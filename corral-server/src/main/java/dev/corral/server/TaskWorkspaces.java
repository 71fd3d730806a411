package dev.corral.server;

import dev.corral.api.ApplyResult;
import dev.corral.api.MergeResult;
import dev.corral.api.ReviewView;
import dev.corral.core.HostPath;
import dev.corral.core.Mount;
import dev.corral.core.TaskId;
import dev.corral.core.TaskSpec;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where a task's agent works, and what came of it: a clone workspace named after the task on branch
 * {@code corral/ID}, saved, diffed, reviewed, merged and applied through the review airlock. {@link
 * CloneTaskWorkspaces} is the implementation over {@code corral-workspace}; tests may fake it.
 * Implementations are thread-safe.
 */
public interface TaskWorkspaces {

  /**
   * Checks a repository and ref at submit time, before the task is accepted.
   *
   * @throws dev.corral.core.UsageException naming the repo or ref when it cannot be used
   */
  void check(String repo, Optional<String> ref);

  /**
   * Creates the workspace of {@code task} from {@code spec}'s repository at its ref (a git URL is
   * fetched into a host-owned mirror first), reporting progress to {@code log}. Nothing the agent
   * controls exists yet, so this may run git on the host.
   */
  Prepared prepare(TaskId task, TaskSpec spec, OutputStream log);

  /** The branch a task's changes are on. */
  default String branch(TaskId task) {
    return "corral/" + task.value();
  }

  /** A prepared workspace: run the agent's sandbox on {@link #path()} with {@link #mounts()}. */
  interface Prepared {
    HostPath path();

    /** Extra mounts the sandbox needs (the source's objects, read-only). */
    List<Mount> mounts();

    /**
     * Saves what the agent left (git runs inside a sandbox, never on the host in the agent's clone)
     * and returns the diff from the starting point (empty if nothing changed) and its review.
     */
    Finished finish() throws InterruptedException;
  }

  /** What a finished task left: its diff and the review of that diff. */
  record Finished(String diff, ReviewView review) {}

  /**
   * Saves the work of task workspaces whose server died while their agent ran; each one that cannot
   * be saved is reported to {@code warnings}.
   */
  void recover(Consumer<String> warnings) throws InterruptedException;

  /**
   * The diff and review of a task's saved work, when its workspace exists and is not running (for
   * tasks whose server died, once {@link #recover} saved them).
   */
  Optional<Finished> saved(TaskId task);

  /**
   * Merges the task's branch into the current branch of its local source repository, after review.
   *
   * @throws dev.corral.core.ConflictException when review blocks and {@code acceptRisk} is false
   *     (listing the blocking findings), the source is a URL, its tree is dirty or the changes
   *     conflict; the repository is then unchanged
   */
  MergeResult merge(TaskId task, String repo, boolean squash, boolean acceptRisk);

  /**
   * Removes the task's workspace (clone, saved branch, pinning refs in the source repository), as
   * {@code corral rm} does; the task's log and results stay.
   *
   * @throws dev.corral.core.ConflictException when its agent still runs
   */
  void discard(TaskId task);

  /**
   * Writes the task's changes into its local source repository's working tree, unstaged, after the
   * same review gate as {@link #merge}.
   */
  ApplyResult apply(TaskId task, String repo, boolean acceptRisk);
}
