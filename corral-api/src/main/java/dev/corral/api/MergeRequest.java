package dev.corral.api;

import org.jspecify.annotations.Nullable;

/**
 * {@code POST /api/v1/tasks/{id}/merge} body (optional; absent fields are false).
 *
 * @param squash one ordinary commit instead of a merge commit
 * @param acceptRisk merge despite blocking review findings; they are recorded in the commit
 */
public record MergeRequest(@Nullable Boolean squash, @Nullable Boolean acceptRisk) {}
