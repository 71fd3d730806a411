package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.cli.CliStreams;
import dev.corral.core.CorralDirs;
import dev.corral.core.HostPath;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code corral egress log} in process, on audit files laid out as the gateway writes them. */
class EgressLogCommandTest {
  private static final String ALLOWED =
      "{\"time\":\"2026-01-02T03:04:05.678Z\",\"sandbox\":\"swift-mule\",\"protocol\":\"http\","
          + "\"method\":\"GET\",\"host\":\"pypi.org\",\"port\":80,\"path\":\"/simple/\","
          + "\"address\":\"151.101.0.223\",\"decision\":\"allow\",\"rule\":\"pypi.org (--allow)\","
          + "\"reason\":null,\"bytes_up\":120,\"bytes_down\":20480,\"duration_ms\":35}";
  private static final String DENIED =
      "{\"time\":\"2026-01-02T03:04:06Z\",\"sandbox\":\"calm-ox\",\"protocol\":\"connect\","
          + "\"method\":null,\"host\":\"evil.com\",\"port\":443,\"path\":null,\"address\":null,"
          + "\"decision\":\"deny\",\"rule\":\"default deny\",\"reason\":\"no rule allows"
          + " evil.com:443\",\"bytes_up\":0,\"bytes_down\":0,\"duration_ms\":0}";
  private static final String ALLOWED_TEXT =
      "2026-01-02T03:04:05Z  swift-mule  http  GET pypi.org:80/simple/  ALLOW  pypi.org"
          + " (--allow)  120 B up, 20.0 KiB down, 35 ms";
  private static final String DENIED_TEXT =
      "2026-01-02T03:04:06Z  calm-ox  connect  evil.com:443  DENY  default deny  0 B up, 0 B"
          + " down, 0 ms";

  @TempDir Path tmp;
  CorralDirs dirs;
  Path logDir;

  record Result(int code, String out, String err) {}

  @BeforeEach
  void setUp() {
    dirs =
        new CorralDirs(
            HostPath.of(tmp.resolve("config")),
            HostPath.of(tmp.resolve("data")),
            HostPath.of(tmp.resolve("state")),
            HostPath.of(tmp.resolve("runtime")));
    logDir = tmp.resolve("state/egress");
  }

  private Result corral(StringWriter out, String... args) {
    CommandLine cl =
        Main.commandLine(
            dirs,
            Map.of(),
            HostPath.of(tmp),
            CliStreams.piped(new ByteArrayInputStream(new byte[0])));
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return new Result(cl.execute(args), out.toString(), err.toString());
  }

  private Result corral(String... args) {
    return corral(new StringWriter(), args);
  }

  private void write(String file, String... lines) throws IOException {
    Files.createDirectories(logDir);
    Files.writeString(
        logDir.resolve(file),
        String.join("\n", lines) + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  @Test
  void saysSoWhenThereIsNoLogYet() {
    Result r = corral("egress", "log");
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            "corral: no egress log yet: "
                + logDir.resolve("egress.jsonl")
                + " is written once a sandbox uses the network (corral run --allow HOST)\n");
  }

  @Test
  void printsOneLinePerRecordOldestFirstIncludingRotatedFiles() throws IOException {
    write("egress.2.jsonl", ALLOWED);
    write("egress.1.jsonl", DENIED);
    write("egress.jsonl", ALLOWED, "not json", DENIED);
    Result r = corral("egress", "log");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .isEqualTo(String.join("\n", ALLOWED_TEXT, DENIED_TEXT, ALLOWED_TEXT, DENIED_TEXT) + "\n");
  }

  @Test
  void filtersByDecisionAndSandboxAndLimits() throws IOException {
    write("egress.jsonl", ALLOWED, DENIED, ALLOWED, DENIED);
    assertThat(corral("egress", "log", "--denied").out())
        .isEqualTo(DENIED_TEXT + "\n" + DENIED_TEXT + "\n");
    assertThat(corral("egress", "log", "--sandbox", "swift-mule", "--limit", "1").out())
        .isEqualTo(ALLOWED_TEXT + "\n");
    assertThat(corral("egress", "log", "--denied", "--output", "json").out())
        .isEqualTo(DENIED + "\n" + DENIED + "\n");
    assertThat(corral("egress", "log", "--limit", "-1").code()).isEqualTo(2);
  }

  @Test
  void followsNewRecordsAcrossRotation() throws Exception {
    write("egress.jsonl", ALLOWED);
    StringWriter out = new StringWriter();
    StringBuffer buffer = out.getBuffer();
    Thread follower =
        Thread.ofVirtual().start(() -> corral(out, "egress", "log", "-f", "--output", "json"));
    awaitLines(buffer, 1);
    write("egress.jsonl", DENIED);
    awaitLines(buffer, 2);
    // Rotate as the gateway does: a last line in the old file, then a new current file.
    write("egress.jsonl", ALLOWED.replace("swift-mule", "last-before-rotation"));
    Files.move(logDir.resolve("egress.jsonl"), logDir.resolve("egress.1.jsonl"));
    write("egress.jsonl", DENIED.replace("calm-ox", "first-after-rotation"));
    awaitLines(buffer, 4);
    follower.interrupt();
    follower.join(TimeUnit.SECONDS.toMillis(5));
    assertThat(follower.isAlive()).isFalse();
    assertThat(buffer.toString().lines())
        .containsExactly(
            ALLOWED,
            DENIED,
            ALLOWED.replace("swift-mule", "last-before-rotation"),
            DENIED.replace("calm-ox", "first-after-rotation"));
  }

  private static void awaitLines(StringBuffer buffer, int lines) throws InterruptedException {
    for (int i = 0; i < 200 && buffer.toString().lines().count() < lines; i++) {
      Thread.sleep(25);
    }
    assertThat(buffer.toString().lines()).hasSize(lines);
  }
}
