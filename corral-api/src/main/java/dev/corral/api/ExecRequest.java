package dev.corral.api;

import java.util.List;

/** {@code POST /api/v1/sandboxes/{name}/exec}: run {@code command} (non-empty). */
public record ExecRequest(List<String> command) {}
