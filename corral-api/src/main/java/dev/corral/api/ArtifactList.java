package dev.corral.api;

import java.util.List;

/** {@code GET /api/v1/tasks/{id}/artifacts}: workspace-relative paths of the kept files. */
public record ArtifactList(List<String> paths) {}
