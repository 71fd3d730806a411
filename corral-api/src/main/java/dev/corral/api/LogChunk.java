package dev.corral.api;

/**
 * A piece of a task's log, as sent in the SSE stream's {@code log} events.
 *
 * @param offset the byte offset in the log just after this chunk; resume from it
 * @param text the chunk, decoded as UTF-8 (chunks end on character boundaries)
 */
public record LogChunk(long offset, String text) {}
