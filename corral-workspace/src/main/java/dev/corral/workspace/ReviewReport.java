package dev.corral.workspace;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What one review found: findings ordered by severity, then path and line, and notes about the
 * review itself (what was capped or skipped).
 *
 * @param findings the findings, most severe first
 * @param notes one-line notes, e.g. that a file was only partly scanned or the LLM review skipped
 * @param files how many changed paths were reviewed
 * @param bytesRead how many bytes of content review read
 */
public record ReviewReport(List<Finding> findings, List<String> notes, int files, long bytesRead) {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public ReviewReport {
    findings =
        findings.stream()
            .sorted(
                Comparator.comparing(Finding::severity)
                    .thenComparing(Finding::path)
                    .thenComparingInt(Finding::line))
            .toList();
    notes = List.copyOf(notes);
  }

  /** Whether any finding blocks: {@code corral merge} refuses unless the user accepts the risk. */
  public boolean blocking() {
    return findings.stream().anyMatch(f -> f.severity() == Severity.BLOCK);
  }

  /** How many findings there are of each severity (every severity present, zero or more). */
  public Map<Severity, Integer> counts() {
    Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
    for (Severity s : Severity.values()) {
      counts.put(s, 0);
    }
    findings.forEach(f -> counts.merge(f.severity(), 1, Integer::sum));
    return counts;
  }

  /** How many findings have {@code severity}. */
  public int count(Severity severity) {
    return (int) findings.stream().filter(f -> f.severity() == severity).count();
  }

  /**
   * The report as text for a terminal: one line per finding ({@code SEVERITY check path:line:
   * message}) with its hint indented below, then the notes, then a summary line. Control and
   * bidirectional characters from the reviewed content are escaped, so a finding cannot rewrite the
   * terminal.
   */
  public String text() {
    StringBuilder out = new StringBuilder();
    for (Finding f : findings) {
      out.append(
          String.format(
              "%-5s %-13s %s%s: %s%n",
              f.severity().name(),
              f.check(),
              safe(f.path()),
              f.line() > 0 ? ":" + f.line() : "",
              safe(f.message())));
      if (!f.hint().isEmpty()) {
        out.append("      hint: ").append(safe(f.hint())).append(System.lineSeparator());
      }
    }
    for (String note : notes) {
      out.append("note: ").append(safe(note)).append(System.lineSeparator());
    }
    out.append(
        String.format(
            "review: %d files, %d block, %d warn, %d info%s%n",
            files,
            count(Severity.BLOCK),
            count(Severity.WARN),
            count(Severity.INFO),
            blocking() ? " - blocking: merge refuses without --accept-risk" : ""));
    return out.toString();
  }

  /** The JSON document of {@code corral review --output json}; the schema is in docs/review.md. */
  public String json() {
    JsonReport report =
        new JsonReport(
            blocking(),
            files,
            bytesRead,
            new JsonCounts(count(Severity.BLOCK), count(Severity.WARN), count(Severity.INFO)),
            findings.stream()
                .map(
                    f ->
                        new JsonFinding(
                            f.severity().label(),
                            f.check(),
                            f.path(),
                            f.line(),
                            f.message(),
                            f.hint()))
                .toList(),
            notes);
    try {
      return JSON.writeValueAsString(report);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render the review as JSON", e);
    }
  }

  /** {@code s} with control, bidi and invisible characters written as {@code \\uXXXX}. */
  static String safe(String s) {
    StringBuilder out = new StringBuilder(s.length());
    s.codePoints()
        .forEach(
            cp -> {
              if (Character.isISOControl(cp)
                  || UnicodeCheck.isBidiControl(cp)
                  || UnicodeCheck.isInvisible(cp)
                  || (cp >= 0xe0000 && cp <= 0xe007f)) {
                out.append(String.format("\\u%04X", cp));
              } else {
                out.appendCodePoint(cp);
              }
            });
    return out.toString();
  }

  record JsonCounts(int block, int warn, int info) {}

  record JsonFinding(
      String severity, String check, String path, int line, String message, String hint) {}

  record JsonReport(
      boolean blocking,
      int files,
      long bytesRead,
      JsonCounts counts,
      List<JsonFinding> findings,
      List<String> notes) {}
}
