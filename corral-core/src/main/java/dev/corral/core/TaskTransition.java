package dev.corral.core;

import java.time.Instant;
import java.util.Optional;

/** One recorded state change of a task; the first of each task has no {@code from}. */
public record TaskTransition(Optional<TaskState> from, TaskState to, Instant at, String reason) {}
