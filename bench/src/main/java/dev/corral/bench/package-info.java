/**
 * Corral's startup benchmark: measures, side by side in one run, how long a sandbox takes from
 * creation to its first output byte and to its exit, for bare bubblewrap, Corral's engine in
 * process, the {@code corral} command and Docker, and writes the table to {@code
 * docs/benchmarks.md}. Run it with {@code bench/run}; tests never run it.
 */
@NullMarked
package dev.corral.bench;

import org.jspecify.annotations.NullMarked;
