package dev.corral.bench;

/**
 * One row of the benchmark table.
 *
 * @param key the row's letter, e.g. {@code a}
 * @param label what runs, as shown in the table
 * @param trial how to run it once
 */
record Scenario(String key, String label, Trial trial) {}
