package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attacks on the dashboard's login, session cookie, CSRF protection and headers. */
class DashboardSecurityTest {
  @TempDir static Path temp;
  static ServerFixture fixture;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    fixture = ServerFixture.start(temp, 1);
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  static String origin() {
    return "http://127.0.0.1:" + fixture.server.port();
  }

  static HttpResponse<String> login(String token, String origin) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(origin() + "/ui/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Origin", origin)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Logs in and returns {cookie, csrf}. */
  static String[] session() throws Exception {
    HttpResponse<String> response = login(fixture.token, origin());
    assertThat(response.statusCode()).isEqualTo(303);
    String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    String body =
        HTTP.send(
                HttpRequest.newBuilder(URI.create(origin() + "/ui/session"))
                    .header("Cookie", cookie)
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher csrf = Pattern.compile("\"csrf\":\"([^\"]+)\"").matcher(body);
    assertThat(csrf.find()).as(body).isTrue();
    return new String[] {cookie, csrf.group(1)};
  }

  static HttpResponse<String> post(String path, String cookie, @Nullable String csrf)
      throws Exception {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(origin() + path))
            .header("Cookie", cookie)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"answer\":\"deny\"}"));
    if (csrf != null) {
      builder.header("X-Corral-CSRF", csrf);
    }
    return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theSessionCookieIsHttpOnlyStrictAndIsNotTheToken() throws Exception {
    HttpResponse<String> response = login(fixture.token, origin());
    String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie)
        .startsWith("corral_session=")
        .contains("; HttpOnly")
        .contains("; SameSite=Strict")
        .contains("; Path=/")
        .doesNotContain(fixture.token);
    assertThat(response.headers().firstValue("Location")).contains("/ui/");
  }

  @Test
  void stateChangesWithTheCookieNeedTheCsrfToken() throws Exception {
    String[] session = session();
    String path = "/api/v1/approvals/apr-00000000/answer";

    HttpResponse<String> missing = post(path, session[0], null);
    HttpResponse<String> wrong = post(path, session[0], session[1] + "x");
    HttpResponse<String> right = post(path, session[0], session[1]);

    assertThat(missing.statusCode()).isEqualTo(403);
    assertThat(missing.body()).contains("missing or wrong CSRF token");
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(right.statusCode())
        .as("past the CSRF check: the approval is unknown")
        .isEqualTo(404);
    assertThat(post("/ui/logout", session[0], null).statusCode()).isEqualTo(403);
  }

  @Test
  void refusesWrongTokensCrossSiteLoginsAndRequestsWithoutASession() throws Exception {
    HttpResponse<String> wrong = login("crl_not-a-token", origin());
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("Invalid or revoked token.");
    assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();

    assertThat(login(fixture.token, "http://evil.test").statusCode()).isEqualTo(403);

    HttpResponse<String> noSession =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(origin() + "/api/v1/tasks"))
                .header("Cookie", "corral_session=forged")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(noSession.statusCode()).isEqualTo(401);
    HttpResponse<String> index =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(origin() + "/ui/")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(index.statusCode()).isEqualTo(302);
    assertThat(index.headers().firstValue("Location")).contains("/ui/login");
  }

  @Test
  void aRevokedTokenEndsItsSessionsAndLogoutEndsTheSession() throws Exception {
    var created = fixture.client.createToken("browser");
    HttpResponse<String> response =
        login(java.util.Objects.requireNonNull(created.token()), origin());
    String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    assertThat(get("/api/v1/tasks", cookie).statusCode()).isEqualTo(200);

    fixture.client.revokeToken(created.id());

    assertThat(get("/api/v1/tasks", cookie).statusCode()).isEqualTo(401);

    String[] session = session();
    assertThat(post("/ui/logout", session[0], session[1]).statusCode()).isEqualTo(204);
    assertThat(get("/api/v1/tasks", session[0]).statusCode()).isEqualTo(401);
  }

  @Test
  void aCrossSiteWebSocketWithTheCookieIsRefused() throws Exception {
    String[] session = session();
    var builder =
        HTTP.newWebSocketBuilder()
            .header("Cookie", session[0])
            .header("Origin", "http://evil.test");
    try {
      builder
          .buildAsync(
              URI.create(
                  "ws://127.0.0.1:"
                      + fixture.server.port()
                      + "/api/v1/tasks/t-0000000000000000/attach?csrf="
                      + session[1]),
              new WebSocket.Listener() {})
          .get(10, TimeUnit.SECONDS);
      throw new AssertionError("the cross-site WebSocket was accepted");
    } catch (java.util.concurrent.ExecutionException | CompletionException e) {
      assertThat(e).hasStackTraceContaining("status code 403");
    }
  }

  @Test
  void everyPageFileAndApiResponseCarriesTheStrictPolicy() throws Exception {
    for (String path :
        List.of(
            "/ui/login",
            "/ui/",
            "/ui/static/app.js",
            "/ui/static/xterm.js",
            "/ui/static/style.css",
            "/ui/static/..%2Fopenapi.json",
            "/api/v1/tasks",
            "/api/v1/nope",
            "/healthz")) {
      HttpResponse<String> response = get(path, null);
      assertThat(response.headers().firstValue("Content-Security-Policy"))
          .as(path)
          .contains(SecurityHeaders.CSP);
      assertThat(response.headers().firstValue("X-Content-Type-Options"))
          .as(path)
          .contains("nosniff");
    }
    assertThat(SecurityHeaders.CSP)
        .contains("default-src 'self'")
        .contains("script-src 'self';")
        .contains("style-src 'self';")
        .doesNotContain("unsafe");
    assertThat(get("/ui/static/..%2Fopenapi.json", null).statusCode()).isEqualTo(404);
    assertThat(get("/ui/static/app.js", null).body()).doesNotContain("innerHTML");
  }

  static HttpResponse<String> get(String path, @Nullable String cookie) throws Exception {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(origin() + path)).timeout(Duration.ofSeconds(10));
    if (cookie != null) {
      builder.header("Cookie", cookie);
    }
    return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }
}
