package dev.corral.api;

import org.jspecify.annotations.Nullable;

/**
 * {@code POST /api/v1/tasks/{id}/apply} body (optional).
 *
 * @param acceptRisk apply despite blocking review findings
 */
public record ApplyRequest(@Nullable Boolean acceptRisk) {}
