package dev.corral.core;

import java.time.Instant;
import java.util.Optional;

/**
 * A task as stored: its spec, where it is, and what came of it so far.
 *
 * @param sandbox the sandbox running it, once one was created
 * @param backend the backend of that sandbox
 * @param exitCode the agent's exit code, once it ended
 * @param reason why the task is in its state (the reason of the last transition)
 */
public record TaskRecord(
    TaskId id,
    TaskSpec spec,
    TaskState state,
    Instant created,
    Instant updated,
    Optional<SandboxId> sandbox,
    Optional<String> backend,
    Optional<Integer> exitCode,
    String reason) {

  /** A task that was just accepted. */
  public static TaskRecord accepted(TaskId id, TaskSpec spec, Instant now) {
    return new TaskRecord(
        id,
        spec,
        TaskState.QUEUED,
        now,
        now,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        "accepted");
  }
}
