package dev.corral.workspace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects the findings and notes of one review. A check that fires more than the per-file limit on
 * one file is summarised in one extra finding, so a hostile file cannot flood the report. Not
 * thread-safe: one review, one thread.
 */
final class Findings {
  private final int perFileLimit;
  private final List<Finding> findings = new ArrayList<>();
  private final Set<String> notes = new LinkedHashSet<>();
  private final Map<String, Integer> counts = new HashMap<>();
  private final Map<String, Finding> overflow = new HashMap<>();

  Findings(int perFileLimit) {
    this.perFileLimit = perFileLimit;
  }

  void add(Severity severity, String check, String path, int line, String message, String hint) {
    add(new Finding(severity, check, path, line, message, hint));
  }

  void add(Finding finding) {
    String key = finding.check() + '\0' + finding.path();
    int n = counts.merge(key, 1, Integer::sum);
    if (n <= perFileLimit) {
      findings.add(finding);
      return;
    }
    // Past the limit, keep the most severe one as the summary.
    Finding previous = overflow.get(key);
    if (previous == null || finding.severity().compareTo(previous.severity()) < 0) {
      overflow.put(key, finding);
    }
  }

  void note(String note) {
    notes.add(note);
  }

  List<Finding> findings() {
    List<Finding> all = new ArrayList<>(findings);
    overflow.forEach(
        (key, worst) -> {
          int more = counts.getOrDefault(key, 0) - perFileLimit;
          all.add(
              new Finding(
                  worst.severity(),
                  worst.check(),
                  worst.path(),
                  0,
                  more + " more " + worst.check() + " findings in this file (not listed)",
                  "the first " + perFileLimit + " are listed above; inspect the whole file"));
        });
    return all;
  }

  List<String> notes() {
    return List.copyOf(notes);
  }
}
