package dev.corral.api;

import java.util.List;

/** {@code GET /api/v1/sandboxes}: oldest first. */
public record SandboxList(List<SandboxView> sandboxes) {}
