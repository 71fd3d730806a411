package dev.corral.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A recorded terminal session in asciinema v2 format, with Corral's label in the header: {@code
 * "corral": {"prompt": REGEX}} for a session that waits at a prompt (the regex matches the
 * question), {@code {"prompt": null}} for one that never does.
 */
record Transcript(
    String name, String command, int rows, int cols, Optional<Pattern> prompt, List<Event> events) {

  /** Output {@code data} at {@code seconds} from the start. */
  record Event(double seconds, String data) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  static Transcript read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    JsonNode header = JSON.readTree(lines.getFirst());
    JsonNode label = header.path("corral").path("prompt");
    List<Event> events = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      JsonNode event = JSON.readTree(line);
      if (event.get(1).asText().equals("o")) {
        events.add(new Event(event.get(0).asDouble(), event.get(2).asText()));
      }
    }
    String name = file.getFileName().toString().replace(".cast", "");
    return new Transcript(
        name,
        header.path("title").asText(),
        header.path("height").asInt(),
        header.path("width").asInt(),
        label.isNull() || label.isMissingNode()
            ? Optional.empty()
            : Optional.of(Pattern.compile(label.asText(), Pattern.CASE_INSENSITIVE)),
        events);
  }

  static List<Transcript> corpus() throws Exception {
    Path dir = Path.of(Transcript.class.getResource("transcripts").toURI());
    List<Transcript> all = new ArrayList<>();
    try (var files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".cast")).sorted().toList()) {
        all.add(read(file));
      }
    }
    return all;
  }
}
