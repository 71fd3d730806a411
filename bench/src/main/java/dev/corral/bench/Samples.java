package dev.corral.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Durations of repeated trials, in nanoseconds, with nearest-rank percentiles. */
record Samples(List<Long> nanos) {
  Samples {
    if (nanos.isEmpty()) {
      throw new IllegalArgumentException("no samples");
    }
    long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    nanos = Arrays.stream(sorted).boxed().toList();
  }

  long median() {
    return percentile(50);
  }

  long p90() {
    return percentile(90);
  }

  /** The nearest-rank percentile: the smallest sample at or above {@code p} percent of them. */
  long percentile(int p) {
    int rank = (int) Math.ceil(p / 100.0 * nanos.size());
    return nanos.get(Math.max(0, rank - 1));
  }

  static String millis(long nanos) {
    double ms = nanos / 1e6;
    return String.format(Locale.ROOT, ms < 10 ? "%.2f ms" : ms < 100 ? "%.1f ms" : "%.0f ms", ms);
  }
}
