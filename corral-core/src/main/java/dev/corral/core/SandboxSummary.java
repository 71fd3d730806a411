package dev.corral.core;

import java.time.Instant;
import java.util.Map;

/**
 * One sandbox as a backend lists it, whichever Corral process started it.
 *
 * @param id the sandbox's name
 * @param backend the backend's name
 * @param state what the backend reports, e.g. {@code running}, {@code paused}, {@code exited}
 * @param created when the sandbox was created
 * @param details backend-specific facts for display (image, runtime, owner pid)
 */
public record SandboxSummary(
    SandboxId id, String backend, String state, Instant created, Map<String, String> details) {
  public SandboxSummary {
    details = Map.copyOf(details);
  }
}
