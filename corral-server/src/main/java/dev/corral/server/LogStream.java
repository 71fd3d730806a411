package dev.corral.server;

import dev.corral.api.LogChunk;
import dev.corral.api.LogEnd;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.LongFunction;
import org.jspecify.annotations.Nullable;

/**
 * Streams an {@link AppendLog} as server-sent events: {@code log} events (data: {@link LogChunk},
 * id: the byte offset after the chunk, so a client reconnecting with {@code Last-Event-ID} misses
 * nothing and sees nothing twice), then one {@code end} event. A client that goes away ends the
 * loop at the next send (keep-alive comments every 15 s make sure there is one).
 */
final class LogStream {
  private static final int CHUNK = 64 * 1024;
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  private LogStream() {}

  /** The offset to start from: {@code Last-Event-ID}, else {@code ?offset=}, else 0. */
  static long start(Context ctx) {
    String resume = ctx.header("Last-Event-ID");
    if (resume != null && resume.matches("[0-9]{1,18}")) {
      return Long.parseLong(resume);
    }
    String offset = ctx.queryParam("offset");
    if (offset == null) {
      return 0;
    }
    if (!offset.matches("[0-9]{1,18}")) {
      throw new dev.corral.core.UsageException(
          "invalid query parameter offset='" + offset + "'", "give a byte offset, e.g. 0");
    }
    return Long.parseLong(offset);
  }

  /**
   * Sends the log from {@code offset} until {@code ended} returns the end event (given the offset
   * the stream reached) and everything before it was sent.
   */
  static void follow(
      SseClient client, AppendLog log, long offset, LongFunction<@Nullable LogEnd> ended) {
    long position = offset;
    try {
      while (!client.terminated()) {
        byte[] bytes = log.read(position, CHUNK);
        int complete = Utf8.completePrefix(bytes);
        if (complete > 0) {
          position += complete;
          String text = new String(bytes, 0, complete, StandardCharsets.UTF_8);
          client.sendEvent("log", json(new LogChunk(position, text)), Long.toString(position));
          continue;
        }
        LogEnd end = ended.apply(position);
        if (end != null && log.size() <= position + bytes.length) {
          client.sendEvent("end", json(end), Long.toString(position));
          return;
        }
        long before = position + bytes.length;
        log.await(before, KEEP_ALIVE);
        if (log.size() <= before && ended.apply(position) == null) {
          client.sendComment("keep-alive");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String json(Object value) {
    return new String(Json.write(value), StandardCharsets.UTF_8);
  }
}
