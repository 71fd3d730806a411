package dev.corral.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Renders the startup table with the goals of the design (§6) and writes it into {@code
 * docs/benchmarks.md} between markers, keeping the rest of the file.
 */
final class BenchReport {
  static final String BEGIN = "<!-- bench:startup:begin (written by bench/run) -->";
  static final String END = "<!-- bench:startup:end -->";
  private static final long VERSION_GOAL_NANOS = 150_000_000L;

  private final List<Result> results;

  BenchReport(List<Result> results) {
    this.results = List.copyOf(results);
  }

  String markdown(String machine, int iterations, int warmup) {
    StringBuilder md = new StringBuilder();
    md.append("Machine: ").append(machine).append("  \n");
    md.append(
        String.format(
            Locale.ROOT,
            "%d iterations per row after %d warm-up runs, interleaved; times from creating the"
                + " sandbox (or spawning the process).%n%n",
            iterations,
            warmup));
    md.append("| | what | first byte median | p90 | exit median | p90 | × bare bwrap | goal |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---|\n");
    for (Result result : results) {
      md.append(row(result)).append('\n');
    }
    return md.toString();
  }

  private String row(Result result) {
    Scenario s = result.scenario();
    return switch (result) {
      case Result.Measured m ->
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s | %s |",
              s.key(),
              s.label(),
              Samples.millis(m.firstByte().median()),
              Samples.millis(m.firstByte().p90()),
              Samples.millis(m.done().median()),
              Samples.millis(m.done().p90()),
              ratio(m),
              goal(m));
      case Result.Skipped k ->
          "| " + s.key() + " | " + s.label() + " | — | — | — | — | — | skipped: " + k.why() + " |";
    };
  }

  private String ratio(Result.Measured m) {
    return switch (m.scenario().key()) {
      case "d" -> "—";
      default ->
          measured("a").map(a -> times(m.firstByte().median(), a.firstByte().median())).orElse("—");
    };
  }

  private String goal(Result.Measured m) {
    return switch (m.scenario().key()) {
      case "b", "b2" -> engineGoal(m);
      case "d" ->
          "≤ 150 ms wall: " + (m.done().median() <= VERSION_GOAL_NANOS ? "**pass**" : "**FAIL**");
      case "f" -> engineVsBare(m, "e", "docker run");
      case "h" -> engineVsBare(m, "g", "docker run --runtime runsc");
      case "a", "e", "g" -> "anchor";
      default -> "—";
    };
  }

  /** A container row against its bare engine row: ≤ 1.2× its first-byte median. */
  private String engineVsBare(Result.Measured m, String bareKey, String bare) {
    return measured(bareKey)
        .map(
            b ->
                "≤ 1.2× bare "
                    + bare
                    + " ("
                    + times(m.firstByte().median(), b.firstByte().median())
                    + "): "
                    + (m.firstByte().median() <= 1.2 * b.firstByte().median()
                        ? "**pass**"
                        : "**FAIL**"))
        .orElse("n/a (no bare row)");
  }

  /** Engine path: ≤ 1.5× bare bwrap, and ≥ 20× faster than docker run when Docker ran. */
  private String engineGoal(Result.Measured b) {
    long engine = b.firstByte().median();
    StringBuilder goal = new StringBuilder("≤ 1.5× bare bwrap: ");
    goal.append(
        measured("a")
            .map(a -> engine <= 1.5 * a.firstByte().median() ? "**pass**" : "**FAIL**")
            .orElse("n/a"));
    goal.append("; ≥ 20× faster than docker run: ");
    goal.append(
        measured("e")
            .map(e -> e.firstByte().median() >= 20.0 * engine ? "**pass**" : "**FAIL**")
            .orElse("n/a (no Docker)"));
    return goal.toString();
  }

  private Optional<Result.Measured> measured(String key) {
    return results.stream()
        .filter(r -> r instanceof Result.Measured && r.scenario().key().equals(key))
        .map(Result.Measured.class::cast)
        .findFirst();
  }

  private static String times(long value, long base) {
    return String.format(Locale.ROOT, "%.2f×", (double) value / base);
  }

  /** Replaces the text between the markers in {@code file}, creating file or markers if needed. */
  static void write(Path file, String section) throws IOException {
    write(file, section, BEGIN, END, "## Startup\n\n");
  }

  /**
   * Replaces the text between {@code begin} and {@code end} in {@code file}; when the markers are
   * missing, appends {@code heading} and the marked section.
   */
  static void write(Path file, String section, String begin, String end, String heading)
      throws IOException {
    String block = begin + "\n" + section + end + "\n";
    String text =
        Files.exists(file)
            ? Files.readString(file, StandardCharsets.UTF_8)
            : "# Benchmarks\n\nMeasured by `bench/run`; goals from the design (§6). Compare rows"
                + " of one run, not numbers across machines.\n\n";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    String updated;
    if (from >= 0 && to > from) {
      int after = text.indexOf('\n', to);
      updated = text.substring(0, from) + block + (after < 0 ? "" : text.substring(after + 1));
    } else {
      String gap = text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n";
      updated = text + gap + heading + block;
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, updated, StandardCharsets.UTF_8);
  }
}
