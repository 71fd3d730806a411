package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinesBackwardTest {
  @TempDir Path dir;

  private List<String> lines(String content, int stopAfter) throws IOException {
    Path file = dir.resolve("log");
    Files.writeString(file, content, StandardCharsets.UTF_8);
    List<String> seen = new ArrayList<>();
    LinesBackward.read(
        file,
        line -> {
          seen.add(line);
          return seen.size() < stopAfter;
        });
    return seen;
  }

  @Test
  void givesTheCompleteLinesNewestFirst() throws IOException {
    assertThat(lines("a\nb\nc\n", 100)).containsExactly("c", "b", "a");
    assertThat(lines("a\n\nc\n", 100)).containsExactly("c", "", "a");
  }

  @Test
  void skipsALineAWriterIsStillAppending() throws IOException {
    assertThat(lines("a\nb\nhalf", 100)).containsExactly("b", "a");
    assertThat(lines("half", 100)).isEmpty();
    assertThat(lines("", 100)).isEmpty();
  }

  @Test
  void stopsWhenAskedAndReadsLinesAcrossChunksWhole() throws IOException {
    StringBuilder content = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      content
          .append("{\"n\":")
          .append(i)
          .append(",\"pad\":\"")
          .append("ä✓".repeat(20))
          .append("\"}\n");
    }
    List<String> last = lines(content.toString(), 3);
    assertThat(last).hasSize(3);
    assertThat(last.getFirst()).startsWith("{\"n\":4999,");
    List<String> all = lines(content.toString(), Integer.MAX_VALUE);
    assertThat(all).hasSize(5000);
    for (int i = 0; i < 5000; i++) {
      assertThat(all.get(i))
          .isEqualTo("{\"n\":" + (4999 - i) + ",\"pad\":\"" + "ä✓".repeat(20) + "\"}");
    }
  }

  @Test
  void aMissingFileHasNoLines() throws IOException {
    List<String> seen = new ArrayList<>();
    LinesBackward.read(dir.resolve("absent"), seen::add);
    assertThat(seen).isEmpty();
  }
}
