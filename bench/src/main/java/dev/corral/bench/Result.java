package dev.corral.bench;

/** What the benchmark found for one scenario. */
sealed interface Result {

  Scenario scenario();

  /** The scenario ran every iteration. */
  record Measured(Scenario scenario, Samples firstByte, Samples done) implements Result {}

  /** The scenario could not run here, or failed; {@code why} says which and why. */
  record Skipped(Scenario scenario, String why) implements Result {}
}
