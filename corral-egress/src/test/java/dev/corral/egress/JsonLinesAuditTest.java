package dev.corral.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.EgressDecision;
import dev.corral.core.EgressRecord;
import dev.corral.core.EgressRequest;
import dev.corral.core.SandboxId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesAuditTest {
  @TempDir Path dir;

  static EgressRecord record(String path, EgressDecision decision) {
    return new EgressRecord(
        Instant.parse("2025-01-02T03:04:05Z"),
        new EgressRequest(
            SandboxId.of("calm-ox-1"),
            EgressRequest.Protocol.HTTP,
            "example.com",
            80,
            Optional.of("GET"),
            Optional.of(path)),
        Optional.of("93.184.216.34"),
        decision,
        12,
        345,
        Duration.ofMillis(67));
  }

  @Test
  void writesOneEscapedJsonObjectPerLine() throws Exception {
    try (JsonLinesAudit audit = JsonLinesAudit.open(dir)) {
      audit.record(record("/a\"b\\c\n", new EgressDecision.Denied("default deny", "no rule")));
      audit.record(record("/ok", new EgressDecision.Allowed("allow example.com", false)));
      audit.sync();
    }
    List<String> lines = Files.readAllLines(dir.resolve("egress.jsonl"));
    assertThat(lines)
        .containsExactly(
            "{\"time\":\"2025-01-02T03:04:05Z\",\"sandbox\":\"calm-ox-1\",\"protocol\":\"http\","
                + "\"method\":\"GET\",\"host\":\"example.com\",\"port\":80,\"path\":\"/a\\\"b\\\\c\\n\","
                + "\"address\":\"93.184.216.34\",\"decision\":\"deny\",\"rule\":\"default deny\","
                + "\"reason\":\"no rule\",\"bytes_up\":12,\"bytes_down\":345,\"duration_ms\":67}",
            "{\"time\":\"2025-01-02T03:04:05Z\",\"sandbox\":\"calm-ox-1\",\"protocol\":\"http\","
                + "\"method\":\"GET\",\"host\":\"example.com\",\"port\":80,\"path\":\"/ok\","
                + "\"address\":\"93.184.216.34\",\"decision\":\"allow\",\"rule\":\"allow example.com\","
                + "\"reason\":null,\"bytes_up\":12,\"bytes_down\":345,\"duration_ms\":67}");
  }

  @Test
  void rotatesBySizeAndKeepsTheConfiguredNumberOfFiles() throws Exception {
    try (JsonLinesAudit audit = JsonLinesAudit.open(dir, 1000, 2)) {
      for (int i = 0; i < 40; i++) {
        audit.record(record("/" + i, new EgressDecision.Allowed("allow example.com", false)));
      }
      audit.sync();
    }
    assertThat(Files.size(dir.resolve("egress.jsonl"))).isLessThanOrEqualTo(1000);
    assertThat(Files.size(dir.resolve("egress.1.jsonl"))).isLessThanOrEqualTo(1000);
    assertThat(dir.resolve("egress.2.jsonl")).exists();
    assertThat(dir.resolve("egress.3.jsonl")).doesNotExist();
    assertThat(Files.readAllLines(dir.resolve("egress.jsonl")).getLast())
        .contains("\"path\":\"/39\"");
  }
}
