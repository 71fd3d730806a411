package dev.corral.api;

import java.util.List;

/** {@code GET /api/v1/tasks}: newest first. */
public record TaskList(List<TaskView> tasks) {}
