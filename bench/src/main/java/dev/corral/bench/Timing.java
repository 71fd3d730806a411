package dev.corral.bench;

/**
 * One trial's times, in nanoseconds from the moment the trial began creating its sandbox.
 *
 * @param firstByteNanos until the first byte of standard output arrived
 * @param doneNanos until the sandbox exited and was torn down
 */
record Timing(long firstByteNanos, long doneNanos) {}
