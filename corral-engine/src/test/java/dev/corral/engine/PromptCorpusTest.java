package dev.corral.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Prompt detection measured on real terminal sessions recorded with {@code script} (see {@code
 * transcripts/README.md}): each is replayed into a {@link PromptWatcher} on a fake clock, ticked
 * every 100 ms of recorded time, and followed by 10 s of silence. A session labelled with a prompt
 * counts as found when an approval opened whose question matches the label; every other opened
 * approval is a false alarm.
 */
class PromptCorpusTest {
  static final Duration TICK = Duration.ofMillis(100);

  /** What one replay produced. */
  record Replay(Transcript transcript, List<String> questions, int withdrawn) {}

  static Replay replay(Transcript t) {
    FakeClock clock = new FakeClock();
    Instant start = clock.instant();
    RecordingGate gate = new RecordingGate();
    PromptWatcher watcher =
        new PromptWatcher(
            t.name(),
            gate,
            new ByteArrayOutputStream(),
            clock,
            PromptDetector.defaults(),
            Duration.ofMinutes(5),
            t.rows(),
            t.cols());
    for (Transcript.Event event : t.events()) {
      Instant at = start.plusNanos((long) (event.seconds() * 1e9));
      while (clock.instant().plus(TICK).isBefore(at)) {
        clock.advance(TICK);
        watcher.tick();
      }
      clock.advanceTo(at);
      byte[] bytes = event.data().getBytes(StandardCharsets.UTF_8);
      watcher.output(bytes, 0, bytes.length);
    }
    for (int i = 0; i < 100; i++) {
      clock.advance(TICK);
      watcher.tick();
    }
    List<String> questions = new ArrayList<>();
    int withdrawn = 0;
    for (RecordingGate.Opened o : gate.opened) {
      questions.add(((dev.corral.core.ApprovalRequest.Prompt) o.request()).question());
      withdrawn += o.answer().isCancelled() ? 1 : 0;
    }
    return new Replay(t, questions, withdrawn);
  }

  @Test
  void detectsPromptsInRecordedSessionsWithHighPrecisionAndRecall() throws Exception {
    List<Transcript> corpus = Transcript.corpus();
    int truePositives = 0;
    int falsePositives = 0;
    int falseNegatives = 0;
    int positives = 0;
    StringBuilder table = new StringBuilder();
    for (Transcript t : corpus) {
      Replay r = replay(t);
      boolean found = false;
      int wrong = 0;
      for (String q : r.questions()) {
        if (t.prompt().isPresent() && t.prompt().get().matcher(q).find()) {
          found = true;
        } else {
          wrong++;
        }
      }
      if (t.prompt().isPresent()) {
        positives++;
        if (found) {
          truePositives++;
        } else {
          falseNegatives++;
        }
      }
      falsePositives += wrong;
      table.append(
          String.format(
              Locale.ROOT,
              "%-16s %-8s %-6s %d opened, %d withdrawn: %s%n",
              t.name(),
              t.prompt().isPresent() ? "prompt" : "none",
              t.prompt().isPresent() == found && wrong == 0 ? "ok" : "MISS",
              r.questions().size(),
              r.withdrawn(),
              r.questions()));
    }
    double precision = truePositives / (double) Math.max(1, truePositives + falsePositives);
    double recall = truePositives / (double) Math.max(1, truePositives + falseNegatives);
    System.out.printf(
        Locale.ROOT,
        "prompt detection on %d transcripts (%d with a prompt): precision %.2f, recall %.2f%n%s",
        corpus.size(),
        positives,
        precision,
        recall,
        table);

    assertThat(corpus).hasSizeGreaterThanOrEqualTo(20);
    assertThat(positives).isGreaterThanOrEqualTo(10);
    // Floors (see docs/approvals.md): a false alarm costs a human one look at a screen, a miss
    // leaves an agent waiting until someone attaches; both must stay rare on real sessions.
    assertThat(precision).as("precision").isGreaterThanOrEqualTo(0.9);
    assertThat(recall).as("recall").isGreaterThanOrEqualTo(0.9);
  }
}
