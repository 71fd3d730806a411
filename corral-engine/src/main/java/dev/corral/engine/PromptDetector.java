package dev.corral.engine;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides from a terminal's last screen and how long it has been quiet whether the program waits
 * for an answer. A scoring heuristic: each of the last few non-empty lines above the cursor scores
 * by what it looks like (a yes/no choice, "press Enter", an agent's confirmation dialog, a line
 * ending in a question mark or colon with the cursor right after it), weighted by its distance from
 * the cursor; shell prompts, progress meters and log lines score down. Nothing scores until the
 * screen has been quiet for {@link #quiet()}: output that keeps coming is not waiting.
 *
 * <p>Measured on recorded real sessions in {@code docs/approvals.md}. Immutable and thread-safe.
 */
public final class PromptDetector {

  /** What the detector found on a quiet screen. */
  public record Score(double value, String question) {}

  private static final Pattern YES_NO =
      Pattern.compile(
          "\\((y(es)?/n(o)?)\\)|\\[(y(es)?/n(o)?)\\]|\\(y\\)es|\\[y,n[a-z,?]*\\]|\\(yes/no(/\\[fingerprint\\])?\\)",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern PRESS =
      Pattern.compile(
          "press (enter|return|any key)|hit (enter|return)|enter to (confirm|select|continue)"
              + "|esc to cancel|to continue\\W*$",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern AGENT =
      Pattern.compile(
          "do you want to (proceed|continue|make this edit|create|run|allow|apply)"
              + "|do you trust|trust (this|the files in this) folder|allow (this )?(command|execution|edit)"
              + "|apply (this|these) changes?\\?|approve (this|the)|waiting for (your )?(approval|confirmation)"
              + "|^\\s*[❯›>▶]\\s*1\\.\\s+\\S",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern SHELL_PROMPT = Pattern.compile("^\\S{0,60}[$#%]$");
  private static final Pattern PROGRESS =
      Pattern.compile(
          "\\d{1,3}(\\.\\d+)?\\s?%|[=#>]{6,}|\\d+ bytes|[⠁-⣿]|\\d+(\\.\\d+)? ?[kMG]i?B/s");
  private static final Pattern LOG_LINE =
      Pattern.compile(
          "^\\s*(\\[(INFO|WARN|WARNING|ERROR|DEBUG)\\]|(INFO|WARN|ERROR|DEBUG):|\\d{4}-\\d\\d-\\d\\d)");
  private static final Pattern COLON_DEFAULT = Pattern.compile(":\\s*(\\([^)]*\\))?$");
  private static final Pattern QUESTION = Pattern.compile("\\w\\?(\\s|$)");
  private static final int LOOK_BACK = 8;

  private final Duration quiet;
  private final double threshold;

  private PromptDetector(Duration quiet, double threshold) {
    this.quiet = quiet;
    this.threshold = threshold;
  }

  /** Quiet for 1 s, threshold 0.5: the settings measured in {@code docs/approvals.md}. */
  public static PromptDetector defaults() {
    return new PromptDetector(Duration.ofSeconds(1), 0.5);
  }

  /** A detector that needs {@code quiet} of silence and scores of at least {@code threshold}. */
  public static PromptDetector of(Duration quiet, double threshold) {
    if (quiet.isNegative() || threshold <= 0) {
      throw new IllegalArgumentException("quiet must not be negative, threshold must be positive");
    }
    return new PromptDetector(quiet, threshold);
  }

  /** How long the screen must be quiet before anything scores. */
  public Duration quiet() {
    return quiet;
  }

  public double threshold() {
    return threshold;
  }

  /** The prompt on {@code screen} after {@code silent} without output, if it scores enough. */
  public Optional<Score> detect(TerminalScreen screen, Duration silent) {
    Score score = score(screen, silent);
    return score.value() >= threshold ? Optional.of(score) : Optional.empty();
  }

  /** The best score on {@code screen} (0 while it has not been quiet long enough). */
  public Score score(TerminalScreen screen, Duration silent) {
    if (silent.compareTo(quiet) < 0) {
      return new Score(0, "");
    }
    List<String> lines = screen.lines();
    int cursorRow = screen.cursorRow();
    double best = 0;
    int bestRow = -1;
    int seen = 0;
    boolean movedOn = false;
    for (int r = cursorRow; r >= 0 && seen < LOOK_BACK; r--) {
      String line = lines.get(r);
      if (line.isBlank()) {
        continue;
      }
      double raw = lineScore(line, r == cursorRow, screen.cursorColumn());
      double value = weight(seen) * raw;
      if (movedOn && !screen.alternateScreen()) {
        // Plain output came after this line: whatever it asked was answered, or never waited.
        value *= 0.3;
      }
      if (value > best) {
        best = value;
        bestRow = r;
      }
      movedOn |= raw == 0;
      seen++;
    }
    if (bestRow < 0) {
      return new Score(0, "");
    }
    if (silent.compareTo(quiet.multipliedBy(3)) >= 0) {
      best += 0.1; // a long silence after a question: more likely waiting than thinking
    }
    return new Score(Math.min(1.0, best), question(lines, bestRow));
  }

  private static double weight(int distance) {
    return switch (distance) {
      case 0 -> 1.0;
      case 1 -> 0.85;
      case 2, 3 -> 0.6;
      default -> 0.3;
    };
  }

  private static double lineScore(String line, boolean cursorLine, int cursorColumn) {
    String text = line.strip();
    double score = 0;
    Matcher yesNo = YES_NO.matcher(text);
    if (yesNo.find() && !answered(text.substring(yesNo.end()))) {
      score = Math.max(score, 0.7);
    }
    if (PRESS.matcher(text).find() || AGENT.matcher(text).find()) {
      score = Math.max(score, 0.6);
    }
    boolean atEnd =
        cursorLine
            && cursorColumn >= line.length()
            && cursorColumn <= line.length() + 2
            && text.length() < 160;
    if (atEnd) {
      if (text.endsWith("?")) {
        score = Math.max(score, 0.55);
      } else if (COLON_DEFAULT.matcher(text).find() || text.endsWith(">")) {
        score = Math.max(score, 0.35);
      }
      score += 0.2;
      if (SHELL_PROMPT.matcher(text).matches()) {
        score -= 0.8;
      }
    } else if (text.endsWith("?") && text.length() < 160) {
      score = Math.max(score, 0.45);
    }
    if (PROGRESS.matcher(text).find()) {
      score -= 0.4;
    }
    if (LOG_LINE.matcher(text).find()) {
      score -= 0.3;
    }
    return Math.max(0, score);
  }

  /**
   * Whether text after a yes/no choice is an answer already typed, e.g. {@code "n"}, {@code "? q"}.
   */
  private static boolean answered(String rest) {
    String after = rest.strip();
    if (after.startsWith("?") || after.startsWith(":")) {
      after = after.substring(1).strip();
    }
    return !after.isEmpty();
  }

  /**
   * The line to show as the question: the scoring line when it asks itself (a question mark, a
   * yes/no choice, a colon or {@code >} at the end), else the nearest question above it (a menu's
   * "Press Enter" under "Do you trust this folder?").
   */
  private static String question(List<String> lines, int row) {
    String best = lines.get(row).strip();
    if (best.contains("?") || YES_NO.matcher(best).find() || best.matches(".*[:>)]$")) {
      return best;
    }
    for (int r = row - 1; r >= Math.max(0, row - LOOK_BACK); r--) {
      if (QUESTION.matcher(lines.get(r)).find()) {
        return lines.get(r).strip();
      }
    }
    return best;
  }
}
