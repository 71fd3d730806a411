package dev.corral.workspace;

import java.util.Objects;

/**
 * One thing review found.
 *
 * @param severity how much it matters
 * @param check the check that found it (e.g. {@code symlink}, {@code secret}, {@code llm})
 * @param path the changed path it concerns
 * @param line the 1-based line in the new content, {@code 0} when it concerns the whole file
 * @param message what was found, in one line
 * @param hint what to do about it (may be empty)
 */
public record Finding(
    Severity severity, String check, String path, int line, String message, String hint) {
  public Finding {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(hint, "hint");
    if (line < 0) {
      throw new IllegalArgumentException("line must be >= 0, not " + line);
    }
  }
}
