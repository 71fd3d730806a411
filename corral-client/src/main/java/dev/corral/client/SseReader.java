package dev.corral.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** Reads server-sent events (the {@code text/event-stream} format) from a stream. */
final class SseReader implements AutoCloseable {
  private final BufferedReader reader;

  record Event(String name, String data, @Nullable String id) {}

  SseReader(InputStream in) {
    this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  /** The next event, or null at the end of the stream. Comments are skipped. */
  @Nullable Event next() throws IOException {
    String name = "message";
    StringBuilder data = null;
    String id = null;
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.isEmpty()) {
        if (data != null) {
          return new Event(name, data.toString(), id);
        }
        name = "message";
        continue;
      }
      if (line.startsWith(":")) {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "event" -> name = value;
        case "data" ->
            data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        case "id" -> id = value;
        default -> {
          // retry and unknown fields do not matter here
        }
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
