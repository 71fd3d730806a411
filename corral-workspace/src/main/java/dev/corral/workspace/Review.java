package dev.corral.workspace;

import java.util.List;

/**
 * PLACEHOLDER, replaced on merge by the review branch's {@code Review} (the real checks). Until
 * then it finds nothing, so {@code corral review} reports no findings and the merge gate never
 * blocks. Only the signature is the agreed seam.
 */
public final class Review {
  private Review() {}

  /** Runs every check over {@code changes}. */
  public static ReviewReport run(List<Change> changes, ReviewSettings settings) {
    return new ReviewReport(List.of());
  }
}
