package dev.corral.server;

import dev.corral.api.ApplyResult;
import dev.corral.api.MergeResult;
import dev.corral.core.ApprovalAnswer;
import dev.corral.core.ApprovalRequest;
import dev.corral.core.Store;
import dev.corral.core.TaskId;
import dev.corral.core.TaskRecord;
import dev.corral.core.UsageException;

/**
 * A merge approval's three ways out for a finished task, through the task's workspace and the
 * review gate: allow merges its branch into the source's current branch, apply writes its changes
 * unstaged into the source's working tree, deny discards the workspace (the log and results stay).
 * Blocking review findings refuse allow and apply (the approval stays pending); accepting the risk
 * takes {@code corral task merge ID --accept-risk}.
 */
final class TaskMerges implements MergeDecisions {
  private final Store store;
  private final TaskWorkspaces workspaces;

  TaskMerges(Store store, TaskWorkspaces workspaces) {
    this.store = store;
    this.workspaces = workspaces;
  }

  @Override
  public String decide(ApprovalRequest.Merge merge, ApprovalAnswer answer) {
    TaskId id = TaskId.of(merge.task());
    TaskRecord task = store.task(id).orElseThrow(() -> TaskRunner.missing(id));
    return switch (answer) {
      case ApprovalAnswer.AllowOnce a -> {
        MergeResult merged = workspaces.merge(id, task.spec().repo(), false, false);
        yield "merged: branch "
            + merged.branch()
            + " at "
            + merged.commit()
            + " into "
            + merged.repo();
      }
      case ApprovalAnswer.Apply a -> {
        ApplyResult applied = workspaces.apply(id, task.spec().repo(), false);
        yield "applied "
            + applied.paths().size()
            + " path(s) to the working tree of "
            + applied.repo()
            + " (unstaged)";
      }
      case ApprovalAnswer.Deny d -> {
        workspaces.discard(id);
        yield "discarded: the workspace is removed; the log and the diff are kept";
      }
      case ApprovalAnswer.AllowAlways a ->
          throw new UsageException(
              "a merge cannot be allowed always", "answer allow, apply or deny");
      case ApprovalAnswer.Text t ->
          throw new UsageException("a merge takes no text", "answer allow, apply or deny");
    };
  }
}
