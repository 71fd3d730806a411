package dev.corral.server;

import dev.corral.core.ApprovalAnswer;
import dev.corral.core.ApprovalRequest;
import dev.corral.core.ConflictException;

/** What answering a merge approval does: merge, apply or discard the task's changes. */
@FunctionalInterface
interface MergeDecisions {
  /** Refuses every merge decision (a queue without a task runner). */
  MergeDecisions NONE =
      (merge, answer) -> {
        throw new ConflictException(
            "this server cannot merge task " + merge.task() + " (no task runner)", null);
      };

  /**
   * Carries out {@code answer} for {@code merge} and returns a one-line account of what it did.
   *
   * @throws dev.corral.core.CorralException if it cannot; nothing was changed then
   */
  String decide(ApprovalRequest.Merge merge, ApprovalAnswer answer);
}
