package dev.corral.api;

/**
 * One review finding.
 *
 * @param severity {@code block}, {@code warn} or {@code info}
 * @param check the check that found it, e.g. {@code secret}, {@code autorun}, {@code symlink}
 * @param path the changed path it concerns
 * @param line 1-based line in the new content; 0 for the whole file
 * @param message what was found
 * @param hint what to do about it (may be empty)
 */
public record FindingView(
    String severity, String check, String path, int line, String message, String hint) {}
