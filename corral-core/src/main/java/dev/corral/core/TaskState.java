package dev.corral.core;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Where a task is in its life. A task moves forward only: {@code queued → preparing → running ⇄
 * waiting → succeeded | failed | cancelled | timed_out}; it may be cancelled, fail or time out from
 * any state that is not terminal.
 */
public enum TaskState {
  QUEUED,
  PREPARING,
  RUNNING,
  /** Running, and the agent waits for a human answer. */
  WAITING,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  TIMED_OUT;

  private static final Set<TaskState> TERMINAL =
      EnumSet.of(SUCCEEDED, FAILED, CANCELLED, TIMED_OUT);

  public boolean terminal() {
    return TERMINAL.contains(this);
  }

  /** Whether a task in this state may move to {@code next}. */
  public boolean canMoveTo(TaskState next) {
    if (terminal()) {
      return false;
    }
    return switch (next) {
      case QUEUED -> false;
      case PREPARING -> this == QUEUED;
      case RUNNING -> this == PREPARING || this == WAITING;
      case WAITING -> this == RUNNING;
      case SUCCEEDED -> this == RUNNING || this == WAITING;
      case FAILED, CANCELLED, TIMED_OUT -> true;
    };
  }

  /** The name used on the wire and in the CLI, e.g. {@code timed_out}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TaskState fromWireName(String name) {
    for (TaskState state : values()) {
      if (state.wireName().equals(name)) {
        return state;
      }
    }
    throw new UsageException(
        "unknown task state '" + name + "'",
        "use one of queued, preparing, running, waiting, succeeded, failed, cancelled, timed_out");
  }
}
