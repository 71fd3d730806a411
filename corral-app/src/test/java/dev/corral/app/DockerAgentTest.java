package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.corral.tck.Capability;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agent presets on the docker backend, end to end: {@code corral} runs as its own JVM (with a fake
 * home) against this host's Docker engine, and builds the agents into Corral's images from their
 * {@code install.docker} steps, on top of the offline test image {@value #TEST_IMAGE}. The images
 * are cached by recipe hash, so later runs (and the other tests) reuse them. Egress targets are
 * test names the gateway's resolver maps to 127.0.0.4; nothing but the image builds (Debian's
 * archive, the npm registry) leaves this machine.
 */
class DockerAgentTest {
  private static final String TEST_IMAGE = "corral-test/debian:bookworm";

  /** A shell agent: prints its arguments, counts its runs in its state, fetches its URL args. */
  private static final String FAKE_AGENT =
      """
      #!/bin/sh
      echo "args: $*"
      mkdir -p "$HOME/.fake"
      echo run >> "$HOME/.fake/history"
      echo "runs: $(wc -l < "$HOME/.fake/history")"
      echo "config: $FAKE_CONFIG"
      for u in "$@"; do
        case "$u" in http*) echo "$u $(curl -s -o /dev/null -w '%{http_code}' "$u")" ;; esac
      done
      """;

  @TempDir Path tmp;
  private Path home;
  private Path workspace;
  private HttpServer upstream;
  private int port;

  record Result(int code, String out, String err) {}

  @BeforeEach
  void setUp() throws Exception {
    Capability.require(Files.exists(Path.of("/var/run/docker.sock")), "a Docker engine");
    Capability.require(
        docker("image", "inspect", TEST_IMAGE) == 0,
        "the test image " + TEST_IMAGE + " (run .ci/setup-docker)");
    home = Files.createDirectories(tmp.resolve("home"));
    workspace = Files.createDirectories(home.resolve("src/app"));
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.4"), 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          byte[] body = "model says hi".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    port = upstream.getAddress().getPort();
    String script = Base64.getEncoder().encodeToString(FAKE_AGENT.getBytes(StandardCharsets.UTF_8));
    Files.createDirectories(home.resolve(".config/corral"));
    Files.writeString(
        home.resolve(".config/corral/config.toml"),
        """
        [network]
        resolve = ["api.model.test=127.0.0.4", "unrelated.test=127.0.0.4"]

        [agents.fake]
        description = "a scripted agent"
        command = ["fakeagent"]
        yolo = ["--no-asking"]
        network = ["private:api.model.test:PORT"]
        model_hosts = ["private:api.model.test:PORT"]
        state = [".fake/"]
        [agents.fake.env]
        FAKE_CONFIG = "~/.fake/config"
        [agents.fake.install]
        hint = "none"
        docker = ["echo SCRIPT | base64 -d > /usr/local/bin/fakeagent && chmod 755 /usr/local/bin/fakeagent"]

        [agents.hostonly]
        command = ["hostonly"]
        """
            .replace("PORT", Integer.toString(port))
            .replace("SCRIPT", script));
  }

  @AfterEach
  void stop() {
    if (upstream != null) {
      upstream.stop(0);
    }
  }

  /**
   * The image Corral's images build on: the offline test image, or where this host trusts extra
   * certificate authorities (a TLS-intercepting proxy in front of the npm registry), a layer on it
   * that trusts them too, for the system and for Node.js, as a user behind such a proxy would build
   * with {@code CORRAL_DOCKER_BASE_IMAGE}. Built once per set of certificates.
   */
  private static synchronized String baseImage() throws Exception {
    Path extra = Path.of("/usr/local/share/ca-certificates");
    List<Path> certificates;
    try (var list = Files.list(extra)) {
      certificates = list.filter(p -> p.toString().endsWith(".crt")).sorted().toList();
    } catch (IOException e) {
      return TEST_IMAGE;
    }
    if (certificates.isEmpty()) {
      return TEST_IMAGE;
    }
    var digest = java.security.MessageDigest.getInstance("SHA-256");
    for (Path c : certificates) {
      digest.update(Files.readAllBytes(c));
    }
    String tag =
        "corral-test/debian-hostca:"
            + java.util.HexFormat.of().formatHex(digest.digest()).substring(0, 12);
    if (docker("image", "inspect", tag) == 0) {
      return tag;
    }
    Path context = Files.createTempDirectory("corral-hostca-");
    for (Path c : certificates) {
      Files.copy(c, context.resolve(c.getFileName()));
    }
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM "
            + TEST_IMAGE
            + "\nCOPY *.crt /usr/local/share/ca-certificates/\n"
            + "RUN update-ca-certificates\n"
            + "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt\n");
    assertThat(docker("build", "-q", "-t", tag, context.toString())).isZero();
    return tag;
  }

  private static int docker(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start()
        .waitFor();
  }

  private Result corral(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Duser.home=" + home);
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(workspace.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("XDG_"));
    env.put("HOME", home.toString());
    env.put("PATH", "/usr/bin:/bin");
    env.put("CORRAL_DOCKER_BASE_IMAGE", baseImage());
    Path out = tmp.resolve("out");
    Path err = tmp.resolve("err");
    builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = builder.start();
    // The first run builds the node stack and installs the agent from npm.
    assertThat(p.waitFor(20, TimeUnit.MINUTES)).as("corral finished in time").isTrue();
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void runsTheRealClaudeAndCodexInstalledIntoTheirImages() throws Exception {
    // --network none: the real agents never reach the real vendors from a test.
    Result claude =
        corral("run", "--backend", "docker", "--network", "none", "claude", "--", "--version");
    assertThat(claude.code()).as(claude.toString()).isZero();
    assertThat(claude.out()).containsPattern("\\d+\\.\\d+\\.\\d+ \\(Claude Code\\)");
    Result codex =
        corral("run", "--backend", "docker", "--network", "none", "codex", "--", "--version");
    assertThat(codex.code()).as(codex.toString()).isZero();
    assertThat(codex.out()).containsPattern("codex-cli \\d+\\.\\d+");
    Result again =
        corral("run", "--backend", "docker", "--network", "none", "claude", "--", "--version");
    assertThat(again.err()).as("the image is cached by its recipe").doesNotContain("building");
  }

  @Test
  void allowsTheModelHostDeniesAnUnrelatedOneAndKeepsStateAcrossRuns() throws Exception {
    String model = "http://api.model.test:" + port + "/v1";
    String unrelated = "http://unrelated.test:" + port + "/";
    Result first = corral("run", "--backend", "docker", "fake", "--", model, unrelated);
    assertThat(first.code()).as(first.toString()).isZero();
    assertThat(first.out())
        .startsWith("args: --no-asking " + model + " " + unrelated + "\nruns: 1\n")
        .contains(model + " 200\n")
        .contains(unrelated + " 403\n");
    assertThat(first.err()).contains("corral: egress denied unrelated.test:" + port);

    Result second = corral("run", "--backend", "docker", "fake");
    assertThat(second.code()).as(second.toString()).isZero();
    assertThat(second.out()).contains("runs: 2\n").containsPattern("config: /\\S+/\\.fake/config");
    assertThat(home.resolve(".local/share/corral/agents/fake/shared/.fake/history"))
        .hasContent("run\nrun");

    Result lockdown = corral("run", "--backend", "docker", "--lockdown", "fake", "--", unrelated);
    assertThat(lockdown.out()).contains("runs: 1\n").contains(unrelated + " 403\n");
  }

  @Test
  void saysWhenAPresetCannotBeInstalledIntoAnImage() throws Exception {
    Result r = corral("run", "--backend", "docker", "hostonly");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err())
        .startsWith(
            "corral: error: agent hostonly has no steps to install it into a container image");
    Result login = corral("login", "--backend", "docker", "hostonly");
    assertThat(login.err()).contains("agent hostonly has no login flow");
  }
}
