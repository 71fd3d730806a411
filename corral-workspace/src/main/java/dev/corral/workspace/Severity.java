package dev.corral.workspace;

/**
 * How much a review finding matters. {@link #BLOCK} stops {@code corral merge} unless the user
 * accepts the risk; {@link #WARN} asks the user to look; {@link #INFO} is context.
 */
public enum Severity {
  BLOCK,
  WARN,
  INFO;

  /** The lower-case name used in text and JSON output. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
