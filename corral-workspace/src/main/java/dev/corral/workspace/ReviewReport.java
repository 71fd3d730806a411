package dev.corral.workspace;

import java.util.List;

/**
 * PLACEHOLDER, replaced on merge by the review branch's {@code ReviewReport}. The workspace side
 * uses only {@link #findings()}, {@link Finding#severity()}, {@link Finding#path()}, {@link
 * Finding#line()}, {@link Finding#message()} and {@link #blocking()}; {@code ReviewGate} is the one
 * place that reads a report.
 */
public record ReviewReport(List<Finding> findings) {
  public ReviewReport {
    findings = List.copyOf(findings);
  }

  /** How bad a finding is. */
  public enum Severity {
    BLOCK,
    WARN,
    INFO
  }

  /** One finding: {@code line} is 0 when it concerns the whole file. */
  public record Finding(Severity severity, String check, String path, int line, String message) {}

  /** Whether any finding blocks a merge. */
  public boolean blocking() {
    return findings.stream().anyMatch(f -> f.severity() == Severity.BLOCK);
  }
}
