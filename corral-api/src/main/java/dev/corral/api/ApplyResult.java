package dev.corral.api;

import java.util.List;

/**
 * {@code POST /api/v1/tasks/{id}/apply}: the task's changes were written into the working tree of
 * its source repository {@code repo}, unstaged.
 *
 * @param paths the paths written or deleted
 */
public record ApplyResult(String repo, List<String> paths) {}
