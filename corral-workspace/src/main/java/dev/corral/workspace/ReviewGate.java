package dev.corral.workspace;

import java.util.List;

/**
 * The one place that reads a {@link ReviewReport} on the workspace side: whether it blocks a merge,
 * and how the blocking findings are recorded when a user accepts them.
 */
final class ReviewGate {
  private ReviewGate() {}

  /** One line per blocking finding, {@code path:line: message}. */
  static List<String> blockingFindings(ReviewReport report) {
    return report.findings().stream()
        .filter(f -> f.severity() == Severity.BLOCK)
        .map(f -> f.path() + (f.line() > 0 ? ":" + f.line() : "") + ": " + f.message())
        .toList();
  }
}
