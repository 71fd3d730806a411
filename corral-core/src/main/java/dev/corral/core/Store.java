package dev.corral.core;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Durable state of a Corral server: tasks, their histories, approvals, and the API tokens (hashes
 * only). Every method returns only after its change is durable, so a crash (even {@code kill -9})
 * right after a call loses nothing it accepted. Implementations are thread-safe.
 */
public interface Store extends AutoCloseable {

  /**
   * Records a new task in state {@link TaskState#QUEUED}.
   *
   * @throws EnvironmentException if the store cannot take new work (e.g. the disk is full); what it
   *     holds is unchanged
   */
  void insert(TaskRecord task);

  Optional<TaskRecord> task(TaskId id);

  /** Tasks newest first, optionally only those in the given states; at most {@code limit}. */
  List<TaskRecord> tasks(Set<TaskState> states, int limit);

  /** How many tasks are in {@code state}. */
  int count(TaskState state);

  /**
   * Moves a task to {@code to} if the move is allowed from its current state, recording the
   * transition; returns the updated task, or empty when the task is unknown or the move is not
   * allowed (another thread moved it first, or it already ended).
   */
  Optional<TaskRecord> transition(TaskId id, TaskState to, String reason);

  /** Records the sandbox and backend that run a task. */
  void attachSandbox(TaskId id, SandboxId sandbox, String backend);

  /** Records the agent's exit code. */
  void recordExit(TaskId id, int exitCode);

  /** The task's transitions, oldest first. */
  List<TaskTransition> history(TaskId id);

  /** Records a new API token (its hash only). */
  void addToken(ApiToken token);

  /** Every API token, revoked ones included, oldest first. */
  List<ApiToken> tokens();

  /** Marks the token revoked; false when no active token has that id. */
  boolean revokeToken(String id);

  /**
   * Records a new pending approval; the store assigns its {@link ApprovalRecord#seq()}.
   *
   * @return the approval as stored
   */
  ApprovalRecord insertApproval(ApprovalRecord approval);

  Optional<ApprovalRecord> approval(String id);

  /** Approvals newest first, optionally only those in the given states; at most {@code limit}. */
  List<ApprovalRecord> approvals(Set<ApprovalState> states, int limit);

  /** Approvals changed after {@code seq} (opened or closed), in the order of their changes. */
  List<ApprovalRecord> approvalsChangedAfter(long seq, int limit);

  /**
   * Closes a pending approval: moves it to {@code to} (answered, expired or withdrawn) with the
   * answer, who closed it and why. Returns the updated approval, or empty when it is unknown or no
   * longer pending (another answer came first).
   */
  Optional<ApprovalRecord> closeApproval(
      String id, ApprovalState to, Optional<ApprovalAnswer> answer, String by, String reason);

  @Override
  void close();
}
