package dev.corral.server;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Raw authenticated HTTP for tests that must see statuses the client turns into exceptions. */
final class ApiGuardTestHttp {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private ApiGuardTestHttp() {}

  static int get(ServerFixture fixture, String path) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(fixture.base().resolve(path))
                .header("Authorization", "Bearer " + fixture.token)
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
