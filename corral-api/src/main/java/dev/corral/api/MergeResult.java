package dev.corral.api;

/**
 * {@code POST /api/v1/tasks/{id}/merge}: the task's changes were brought back to its source
 * repository as branch {@code branch} at {@code commit}.
 */
public record MergeResult(String repo, String branch, String commit) {}
