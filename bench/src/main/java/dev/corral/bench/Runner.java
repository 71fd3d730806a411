package dev.corral.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Runs scenarios side by side: warm-up runs for each, then the measured iterations interleaved (one
 * run of every scenario per round) so that drift on the machine affects all rows alike. A scenario
 * that throws is dropped and reported as skipped with the error.
 */
final class Runner {
  private final int iterations;
  private final int warmup;

  Runner(int iterations, int warmup) {
    this.iterations = iterations;
    this.warmup = warmup;
  }

  List<Result> run(List<Scenario> scenarios) throws InterruptedException {
    List<Result> results = new ArrayList<>();
    Map<Scenario, List<Timing>> timings = new LinkedHashMap<>();
    for (Scenario s : scenarios) {
      String error = warm(s);
      if (error == null) {
        timings.put(s, new ArrayList<>());
      } else {
        results.add(new Result.Skipped(s, "failed: " + error));
      }
    }
    for (int round = 0; round < iterations; round++) {
      for (Map.Entry<Scenario, List<Timing>> entry : List.copyOf(timings.entrySet())) {
        Scenario s = entry.getKey();
        try {
          entry.getValue().add(s.trial().run());
        } catch (InterruptedException e) {
          throw e;
        } catch (Exception e) {
          timings.remove(s);
          results.add(new Result.Skipped(s, "failed in round " + (round + 1) + ": " + e));
        }
      }
    }
    timings.forEach(
        (s, t) ->
            results.add(
                new Result.Measured(
                    s,
                    new Samples(t.stream().map(Timing::firstByteNanos).toList()),
                    new Samples(t.stream().map(Timing::doneNanos).toList()))));
    return results;
  }

  private @Nullable String warm(Scenario s) throws InterruptedException {
    try {
      for (int i = 0; i < Math.max(1, warmup); i++) {
        s.trial().run();
      }
      return null;
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      return e.getMessage() == null ? e.toString() : e.getMessage();
    }
  }
}
