package dev.corral.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The measurements of one row of the egress benchmark (bytes per second, tunnels per second or
 * nanoseconds), or why it has none: the first failure stops a row. Not thread-safe.
 */
final class Series {
  private final String key;
  private final String label;
  private final List<Double> values = new ArrayList<>();
  private @Nullable String failure;

  Series(String key, String label) {
    this.key = key;
    this.label = label;
  }

  String key() {
    return key;
  }

  String label() {
    return label;
  }

  void add(double value) {
    values.add(value);
  }

  void fail(String why) {
    if (failure == null) {
      failure = why;
    }
  }

  boolean failed() {
    return failure != null;
  }

  /** Why the row has no numbers; empty when it has them. */
  Optional<String> failure() {
    return failure != null
        ? Optional.of(failure)
        : values.isEmpty() ? Optional.of("no measurements") : Optional.empty();
  }

  int count() {
    return values.size();
  }

  double median() {
    return percentile(50);
  }

  /** The nearest-rank percentile: the smallest value at or above {@code p} percent of them. */
  double percentile(double p) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  double min() {
    return values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
  }

  double max() {
    return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
  }
}
