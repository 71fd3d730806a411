package dev.corral.workspace;

/** PLACEHOLDER, replaced on merge by the review branch's {@code ReviewSettings}. */
public record ReviewSettings() {
  public static ReviewSettings defaults() {
    return new ReviewSettings();
  }
}
