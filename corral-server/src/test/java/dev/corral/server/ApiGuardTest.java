package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.api.TaskRequest;
import dev.corral.api.TokenView;
import dev.corral.client.CorralApiException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attacks on the API's auth and input handling, through raw HTTP where the client would help. */
class ApiGuardTest {
  @TempDir static Path temp;
  static ServerFixture fixture;
  static Path repo;
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static final ObjectMapper MAPPER = new ObjectMapper();

  @BeforeAll
  static void start() {
    fixture = ServerFixture.start(temp, 2);
    repo = ServerFixture.repo(temp.resolve("repo"));
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  static HttpResponse<String> send(String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(fixture.base().resolve(path))
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> authed(String method, String path, String body) throws Exception {
    return send(
        method,
        path,
        body,
        "Authorization",
        "Bearer " + fixture.token,
        "Content-Type",
        "application/json");
  }

  static HttpResponse<String> sendAs(ServerFixture server, String method, String path, String body)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(server.base().resolve(path))
            .method(
                method,
                body.isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .header("Authorization", "Bearer " + server.token)
            .header("Content-Type", "application/json")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode problem(HttpResponse<String> response) throws Exception {
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode node = MAPPER.readTree(response.body());
    assertThat(node.path("status").asInt()).isEqualTo(response.statusCode());
    assertThat(node.path("type").asText()).startsWith("https://corral.dev/problems/");
    assertThat(node.path("title").asText()).isNotBlank();
    return node;
  }

  @Test
  void refusesRequestsWithoutAToken() throws Exception {
    for (String path :
        new String[] {
          "/api/v1/tasks",
          "/metrics",
          "/readyz",
          "/api/v1/tokens",
          "/api/v1/openapi.json",
          "/api/v1/nothing-here"
        }) {
      HttpResponse<String> response = send("GET", path, "");
      assertThat(response.statusCode()).as(path).isEqualTo(401);
      assertThat(response.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      assertThat(problem(response).path("detail").asText()).contains("missing bearer token");
    }
  }

  @Test
  void refusesAWrongTokenAndOtherSchemes() throws Exception {
    HttpResponse<String> wrong =
        send("GET", "/api/v1/tasks", "", "Authorization", "Bearer " + fixture.token + "x");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(problem(wrong).path("detail").asText()).contains("invalid or revoked");
    HttpResponse<String> basic =
        send("GET", "/api/v1/tasks", "", "Authorization", "Basic " + fixture.token);
    assertThat(basic.statusCode()).isEqualTo(401);
  }

  @Test
  void refusesAnSseStreamWithoutAToken() throws Exception {
    HttpResponse<String> response =
        send("GET", "/api/v1/tasks/t-0000000000000000/events", "", "Accept", "text/event-stream");
    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void refusesAWebSocketUpgradeWithoutAToken() {
    var task = fixture.client.submit(TaskRequest.of(repo.toString(), "shell", "echo hi"));
    URI ws =
        URI.create(
            "ws://127.0.0.1:" + fixture.server.port() + "/api/v1/tasks/" + task.id() + "/attach");
    for (String token : new String[] {null, "crl_wrong"}) {
      var builder = HTTP.newWebSocketBuilder();
      if (token != null) {
        builder.header("Authorization", "Bearer " + token);
      }
      assertThatThrownBy(
              () -> builder.buildAsync(ws, new WebSocket.Listener() {}).get(10, TimeUnit.SECONDS))
          .as("token %s", token)
          .cause()
          .isInstanceOfSatisfying(
              java.net.http.WebSocketHandshakeException.class,
              e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
    }
  }

  @Test
  void severalWebSocketViewersSeeTheWholeOutputThenTheEnd() throws Exception {
    var task =
        fixture.client.submit(
            TaskRequest.of(
                repo.toString(), "shell", "for i in 1 2 3; do echo tick-$i; sleep 0.2; done"));
    URI ws =
        URI.create(
            "ws://127.0.0.1:" + fixture.server.port() + "/api/v1/tasks/" + task.id() + "/attach");
    java.util.List<java.util.concurrent.CompletableFuture<String>> views =
        new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      var done = new java.util.concurrent.CompletableFuture<String>();
      StringBuilder text = new StringBuilder();
      HTTP.newWebSocketBuilder()
          .header("Authorization", "Bearer " + fixture.token)
          .buildAsync(
              ws,
              new WebSocket.Listener() {
                @Override
                public java.util.concurrent.CompletionStage<?> onText(
                    WebSocket socket, CharSequence data, boolean last) {
                  text.append(data);
                  return WebSocket.Listener.super.onText(socket, data, last);
                }

                @Override
                public java.util.concurrent.CompletionStage<?> onClose(
                    WebSocket socket, int status, String reason) {
                  done.complete(status + " " + reason + "\n" + text);
                  return WebSocket.Listener.super.onClose(socket, status, reason);
                }
              })
          .get(10, TimeUnit.SECONDS);
      views.add(done);
    }
    for (var view : views) {
      assertThat(view.get(60, TimeUnit.SECONDS))
          .isEqualTo("1000 task succeeded\ntick-1\r\ntick-2\r\ntick-3\r\n");
    }
  }

  @Test
  void aRevokedTokenStopsWorkingAtOnce() {
    TokenView created = fixture.client.createToken("ci");
    assertThat(created.token()).startsWith("crl_");
    var ci = fixture.client(java.util.Objects.requireNonNull(created.token()));
    assertThat(ci.tasks(Optional.empty(), 1)).isNotNull();
    assertThat(fixture.client.tokens())
        .filteredOn(t -> t.id().equals(created.id()))
        .singleElement()
        .satisfies(t -> assertThat(t.token()).as("secrets are never listed").isNull());

    fixture.client.revokeToken(created.id());

    assertThatThrownBy(() -> ci.tasks(Optional.empty(), 1))
        .isInstanceOfSatisfying(
            CorralApiException.class, e -> assertThat(e.status()).isEqualTo(401));
    assertThatThrownBy(() -> fixture.client.revokeToken(created.id()))
        .isInstanceOfSatisfying(
            CorralApiException.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void keepsTheFirstTokenInAPrivateFileAndOnlyItsHashInTheStore() throws Exception {
    Path file = CorralServer.tokenFile(fixture.data);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(fixture.store.tokens())
        .allSatisfy(t -> assertThat(t.sha256()).doesNotContain(fixture.token));
    byte[] db = Files.readAllBytes(fixture.data.resolve("store.db"));
    assertThat(new String(db, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain(fixture.token);
  }

  @Test
  void healthzNeedsNoTokenAndSaysNothingMore() throws Exception {
    HttpResponse<String> response = send("GET", "/healthz", "");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"status\":\"ok\",\"detail\":\"the server is up\"}");
  }

  @Test
  void rejectsAnUnknownFieldNamingIt() throws Exception {
    HttpResponse<String> response =
        authed(
            "POST",
            "/api/v1/tasks",
            "{\"repo\":\"" + repo + "\",\"agent\":\"shell\",\"prompt\":\"true\",\"promt\":\"x\"}");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(problem(response).path("detail").asText())
        .isEqualTo("unknown field 'promt' in the request body");
  }

  @Test
  void rejectsAWrongTypeNamingTheField() throws Exception {
    HttpResponse<String> response =
        authed(
            "POST",
            "/api/v1/tasks",
            "{\"repo\":\""
                + repo
                + "\",\"agent\":\"shell\",\"prompt\":\"true\",\"timeoutSeconds\":\"soon\"}");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(problem(response).path("detail").asText())
        .startsWith("invalid value for field 'timeoutSeconds'");
  }

  @Test
  void rejectsBrokenJsonAndMissingFields() throws Exception {
    HttpResponse<String> broken = authed("POST", "/api/v1/tasks", "{\"repo\":");
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(problem(broken).path("detail").asText())
        .startsWith("the request body is not valid JSON");
    HttpResponse<String> missing =
        authed("POST", "/api/v1/tasks", "{\"agent\":\"shell\",\"prompt\":\"x\"}");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(problem(missing).path("detail").asText())
        .isEqualTo("missing field 'repo' in the request body");
  }

  @Test
  void rejectsAnOversizedBodyWith413() throws Exception {
    String prompt = "x".repeat((int) ServerConfig.DEFAULT_MAX_BODY + 10);
    HttpResponse<String> response =
        authed(
            "POST",
            "/api/v1/tasks",
            "{\"repo\":\"" + repo + "\",\"agent\":\"shell\",\"prompt\":\"" + prompt + "\"}");
    assertThat(response.statusCode()).isEqualTo(413);
    problem(response);
    assertThat(fixture.client.tasks(Optional.empty(), 10_000))
        .noneMatch(t -> t.prompt().length() > 1000);
  }

  @Test
  void rejectsAnUnknownAgentListingTheKnownOnes() {
    assertThatThrownBy(
            () -> fixture.client.submit(TaskRequest.of(repo.toString(), "claudee", "hi")))
        .isInstanceOfSatisfying(
            CorralApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.problem().detail()).isEqualTo("unknown agent 'claudee'");
              assertThat(e.problem().hint()).isEqualTo("known agents: shell");
            });
  }

  @Test
  void rejectsRepositoriesThatAreNotGitOrNotAbsoluteOrLookLikeOptions() {
    for (String bad :
        new String[] {
          temp.toString(),
          "relative/repo",
          "--upload-pack=touch /tmp/pwned",
          "ftp://example.test/r.git",
          temp.resolve("missing").toString()
        }) {
      assertThatThrownBy(() -> fixture.client.submit(TaskRequest.of(bad, "shell", "true")))
          .as(bad)
          .isInstanceOfSatisfying(
              CorralApiException.class,
              e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.problem().detail()).contains("repo");
              });
    }
  }

  @Test
  void rejectsARefThatLooksLikeAnOption() {
    TaskRequest request =
        new TaskRequest(
            repo.toString(), "--orphan=x", "shell", "true", null, null, null, null, null, null);
    assertThatThrownBy(() -> fixture.client.submit(request))
        .isInstanceOfSatisfying(
            CorralApiException.class,
            e -> assertThat(e.problem().detail()).isEqualTo("invalid ref '--orphan=x'"));
  }

  @Test
  void answersUnknownTasksWith404AndMalformedIdsWith400() {
    assertThatThrownBy(() -> fixture.client.task("t-0000000000000000"))
        .isInstanceOfSatisfying(
            CorralApiException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThatThrownBy(() -> fixture.client.task("../../etc"))
        .isInstanceOfSatisfying(
            CorralApiException.class, e -> assertThat(e.status()).isIn(400, 404));
    assertThatThrownBy(() -> fixture.client.task("t-XYZ"))
        .isInstanceOfSatisfying(
            CorralApiException.class, e -> assertThat(e.status()).isEqualTo(400));
  }

  @Test
  void refusesArtifactPathsThatLeaveTheArtifactsDirectory() throws Exception {
    var task = fixture.client.submit(TaskRequest.of(repo.toString(), "shell", "true"));
    TaskApiTestSupport.await(fixture.client, task.id());
    for (String path : new String[] {"../log", "/etc/passwd", "../../store.db"}) {
      assertThatThrownBy(() -> fixture.client.artifact(task.id(), path))
          .as(path)
          .isInstanceOfSatisfying(
              CorralApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    }
  }
}
