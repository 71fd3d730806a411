package dev.corral.api;

import java.util.List;

/**
 * {@code POST /api/v1/tasks/{id}/merge}: the task's branch {@code branch} was merged into the
 * current branch of its source repository {@code repo} as {@code commit}.
 *
 * @param acceptedRisk the blocking findings the caller accepted (empty when none blocked)
 */
public record MergeResult(String repo, String branch, String commit, List<String> acceptedRisk) {}
