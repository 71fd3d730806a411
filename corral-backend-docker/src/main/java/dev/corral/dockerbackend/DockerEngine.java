package dev.corral.dockerbackend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import dev.corral.core.EnvironmentException;
import dev.corral.core.SandboxException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One connection to a Docker engine (or Podman's Docker-compatible service): the docker-java
 * client, and the translation of its failures into Corral's errors. Thread-safe.
 */
final class DockerEngine implements AutoCloseable {
  static final String DEFAULT_HOST = "unix:///var/run/docker.sock";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String host;
  private final DockerHttpClient http;
  private final DockerClient client;

  private DockerEngine(String host, DockerHttpClient http, DockerClient client) {
    this.host = host;
    this.http = http;
    this.client = client;
  }

  /**
   * The engine at {@code host} ({@code unix:///path} or {@code tcp://host:port}). Connects lazily:
   * nothing is sent until the first call.
   */
  static DockerEngine at(String host) {
    URI uri;
    try {
      uri = URI.create(host);
    } catch (IllegalArgumentException e) {
      throw new EnvironmentException(
          "invalid Docker host '" + host + "'",
          "set DOCKER_HOST to unix:///var/run/docker.sock or tcp://HOST:PORT");
    }
    if (!"unix".equals(uri.getScheme()) && !"tcp".equals(uri.getScheme())) {
      throw new EnvironmentException(
          "unsupported Docker host '" + host + "'",
          "set DOCKER_HOST to unix:///var/run/docker.sock or tcp://HOST:PORT");
    }
    DefaultDockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost(host)
            .withDockerTlsVerify(false)
            .build();
    DockerHttpClient http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(uri)
            .maxConnections(64)
            .connectionTimeout(Duration.ofSeconds(5))
            .build();
    return new DockerEngine(host, http, DockerClientImpl.getInstance(config, http));
  }

  /** {@code DOCKER_HOST} when set, else the standard socket. */
  static String hostFromEnvironment(Map<String, String> env) {
    String value = env.get("DOCKER_HOST");
    return value == null || value.isBlank() ? DEFAULT_HOST : value.strip();
  }

  String host() {
    return host;
  }

  DockerClient client() {
    return client;
  }

  /** What the engine says about itself; throws the engine-unreachable errors. */
  EngineInfo info() {
    JsonNode info = get("/info");
    JsonNode version = get("/version");
    List<String> runtimes = new ArrayList<>();
    info.path("Runtimes").fieldNames().forEachRemaining(runtimes::add);
    boolean podman = false;
    for (JsonNode component : version.path("Components")) {
      podman |= component.path("Name").asText("").toLowerCase(Locale.ROOT).contains("podman");
    }
    return new EngineInfo(
        podman ? "Podman" : "Docker",
        version.path("Version").asText("?"),
        version.path("ApiVersion").asText("?"),
        runtimes,
        info.path("DefaultRuntime").asText("runc"),
        info.path("CgroupVersion").asText("1"));
  }

  /**
   * Facts about the engine.
   *
   * @param product {@code Docker} or {@code Podman}
   * @param runtimes the OCI runtimes the engine offers by name
   */
  record EngineInfo(
      String product,
      String version,
      String apiVersion,
      List<String> runtimes,
      String defaultRuntime,
      String cgroupVersion) {
    EngineInfo {
      runtimes = List.copyOf(runtimes);
    }
  }

  private JsonNode get(String path) {
    DockerHttpClient.Request request =
        DockerHttpClient.Request.builder()
            .method(DockerHttpClient.Request.Method.GET)
            .path(path)
            .build();
    try (DockerHttpClient.Response response = http.execute(request);
        InputStream body = response.getBody()) {
      if (response.getStatusCode() != 200) {
        throw new SandboxException(
            "the Docker engine at "
                + host
                + " answered "
                + response.getStatusCode()
                + " to "
                + path,
            "check the engine with `docker info`");
      }
      return JSON.readTree(body);
    } catch (IOException | RuntimeException e) {
      if (e instanceof SandboxException se) {
        throw se;
      }
      throw translate(e, "ask the Docker engine for " + path);
    }
  }

  /**
   * Turns a docker-java or transport failure into Corral's error: an unreachable engine and a
   * socket the user may not open become {@link EnvironmentException}s with the fix; anything else a
   * {@link SandboxException} that says what Corral was doing.
   */
  RuntimeException translate(Throwable e, String doing) {
    String chain = causeChain(e);
    String lower = chain.toLowerCase(Locale.ROOT);
    boolean transport = !(e instanceof DockerException);
    if (transport && (lower.contains("permission denied") || lower.contains("access denied"))) {
      return new EnvironmentException(
          "permission denied on the Docker socket " + socketPath(),
          "add your user to the docker group (`sudo usermod -aG docker $USER`, then log in again),"
              + " or set DOCKER_HOST to an engine you may use",
          e);
    }
    if (transport
        && (lower.contains("no such file")
            || lower.contains("connection refused")
            || lower.contains("connect timed out")
            || lower.contains("connectexception")
            || lower.contains("unknownhost"))) {
      return new EnvironmentException(
          "the Docker engine at " + host + " is not running",
          "start it (`sudo systemctl start docker`, or `sudo dockerd &`), or point DOCKER_HOST at a"
              + " running engine; then run `corral doctor`",
          e);
    }
    if (e instanceof DockerException de) {
      return new SandboxException(
          "cannot " + doing + ": " + engineMessage(de), "check the engine with `docker info`", e);
    }
    return new SandboxException(
        "cannot " + doing + ": " + chain, "check the engine with `docker info`", e);
  }

  /** The engine's own message from an API error body such as {@code {"message":"..."}}. */
  static String engineMessage(DockerException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (message.length() > 600) {
      // Engines echo large request parts (a seccomp profile) back; the cause keeps it all.
      message = message.substring(0, 300) + " ... " + message.substring(message.length() - 200);
    }
    int start = message.indexOf("{\"message\":\"");
    if (start >= 0) {
      try {
        return JSON.readTree(message.substring(start)).path("message").asText(message).strip();
      } catch (IOException ignored) {
        // not JSON after all
      }
    }
    return message.strip();
  }

  private String socketPath() {
    return host.startsWith("unix://") ? host.substring("unix://".length()) : host;
  }

  private static String causeChain(Throwable e) {
    StringBuilder text = new StringBuilder();
    @Nullable Throwable t = e;
    int depth = 0;
    while (t != null && depth++ < 10) {
      if (!text.isEmpty()) {
        text.append(": ");
      }
      text.append(t.getClass().getSimpleName()).append(' ').append(t.getMessage());
      t = t.getCause();
    }
    return text.toString();
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (IOException e) {
      // the connection pool is gone either way
    }
  }
}
