package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.corral.cli.CliStreams;
import dev.corral.core.CorralDirs;
import dev.corral.core.HostPath;
import dev.corral.tck.Capability;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code corral run} with network through the real egress gateway, end to end: a sandbox on the
 * native backend reaches an upstream on 127.0.0.2 through its proxy variables when the policy
 * allows the host, gets a 403 naming the fix when it does not, has no route when it ignores the
 * proxy, and the run ends with a summary of what was denied. Test host names resolve through the
 * configuration's resolver overrides; nothing leaves this machine.
 */
class EgressEndToEndTest {
  @TempDir Path tmp;
  private Path workspace;
  private CorralDirs dirs;
  private HttpServer upstream;
  private int port;

  private record Result(int code, String out, String err) {}

  @BeforeEach
  void setUp() throws IOException {
    Capability.require(Files.isExecutable(Path.of("/usr/bin/bwrap")), "bubblewrap");
    Capability.require(Files.isExecutable(Path.of("/usr/bin/socat")), "socat");
    workspace = Files.createDirectory(tmp.resolve("ws"));
    dirs =
        new CorralDirs(
            HostPath.of(tmp.resolve("config")),
            HostPath.of(tmp.resolve("data")),
            HostPath.of(tmp.resolve("state")),
            HostPath.of(tmp.resolve("runtime")));
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          byte[] body =
              ("hello from upstream " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    port = upstream.getAddress().getPort();
    write(
        """
        [network]
        resolve = ["allowed.test=127.0.0.2", "denied.test=127.0.0.2"]
        """,
        true);
  }

  @AfterEach
  void stop() {
    if (upstream != null) {
      upstream.stop(0);
    }
  }

  private Result corral(String... args) {
    CommandLine cl =
        Main.commandLine(
            dirs,
            Map.of("PATH", "/usr/bin:/bin"),
            HostPath.of(workspace),
            CliStreams.piped(new ByteArrayInputStream(new byte[0])));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return new Result(cl.execute(args), out.toString(), err.toString());
  }

  private String fetch(String host) {
    return "python3 -c 'import urllib.request, urllib.error\n"
        + "try:\n"
        + "  print(urllib.request.urlopen(\"http://"
        + host
        + ":"
        + port
        + "/x\").read().decode())\n"
        + "except urllib.error.HTTPError as e:\n"
        + "  print(e.code, e.headers[\"X-Corral-Denied\"], e.read().decode().strip())'";
  }

  @Test
  void reachesAnAllowedHostThroughTheGateway() {
    Result r =
        corral(
            "run",
            "--allow",
            "private:allowed.test:" + port,
            "--",
            "sh",
            "-c",
            fetch("allowed.test"));
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("hello from upstream /x\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void askModeWithoutAnApproverFailsClosedAndSaysHowToGetOne() {
    Result r = corral("run", "--egress-ask", "--", "sh", "-c", fetch("denied.test"));
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .startsWith("403 ask: no approver corral: egress to denied.test:" + port + " refused:")
        .contains("ask mode has no approver: start `corral server` to answer approvals")
        .contains("corral policy allow denied.test:" + port);
  }

  @Test
  void deniesAnUnlistedHostWithTheFixAndSummarizesIt() {
    Result r =
        corral(
            "run",
            "--allow",
            "private:allowed.test:" + port,
            "--",
            "sh",
            "-c",
            fetch("denied.test"));
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .startsWith("403 default deny corral: egress to denied.test:" + port + " denied")
        .contains("corral policy allow denied.test:" + port);
    assertThat(r.err())
        .isEqualTo(
            "corral: egress denied denied.test:"
                + port
                + " (allow it with `corral policy allow denied.test:"
                + port
                + "`, or --allow for one run)\n");
  }

  @Test
  void refusesLoopbackTargetsWithoutThePrivateMarker() {
    Result r =
        corral("run", "--allow", "allowed.test:" + port, "--", "sh", "-c", fetch("allowed.test"));
    assertThat(r.out()).startsWith("403 address check");
  }

  @Test
  void aToolIgnoringTheProxyHasNoRoute() {
    Result r =
        corral(
            "run",
            "--allow",
            "private:allowed.test:" + port,
            "--",
            "python3",
            "-c",
            "import socket; s=socket.socket(); s.settimeout(3);"
                + " print(s.connect_ex((\"127.0.0.2\", "
                + port
                + ")))");
    assertThat(r.out().strip()).isNotEqualTo("0");
  }

  /** Runs {@code fetch(host)} twice, the second time after the test created {@code go}. */
  private Result fetchTwiceAround(String host, Runnable betweenFetches) throws Exception {
    String script = fetch(host) + "; while [ ! -e go ]; do sleep 0.05; done; " + fetch(host);
    var run =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                corral("run", "--allow", "private:allowed.test:" + port, "--", "sh", "-c", script));
    Path first = tmp.resolve("state/egress/egress.jsonl");
    for (int i = 0; i < 200 && (!Files.exists(first) || Files.size(first) == 0); i++) {
      Thread.sleep(25);
    }
    betweenFetches.run();
    Thread.sleep(1100); // the policy checks its files at most once a second
    Files.writeString(workspace.resolve("go"), "");
    return run.get(60, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  void appliesAnEditedProjectPolicyToNewConnections() throws Exception {
    Result r = fetchTwiceAround("denied.test", () -> write(allowDenied(), true));
    assertThat(r.out().lines().toList())
        .as(r.toString())
        .hasSize(2)
        .satisfies(l -> assertThat(l.get(0)).startsWith("403 default deny"))
        .satisfies(l -> assertThat(l.get(1)).isEqualTo("hello from upstream /x"));
  }

  private String allowDenied() {
    return """
        [network]
        resolve = ["allowed.test=127.0.0.2", "denied.test=127.0.0.2"]
        allow = ["private:denied.test:%d"]
        """
        .formatted(port);
  }

  @Test
  void ignoresAnUntrustedEditOfTheProjectPolicy() throws Exception {
    Result r = fetchTwiceAround("denied.test", () -> write(allowDenied(), false));
    assertThat(r.out().lines().toList())
        .as(r.toString())
        .hasSize(2)
        .allSatisfy(l -> assertThat(l).startsWith("403 default deny"));
  }

  @Test
  void appliesAnEditOnceTheUserTrustsIt() throws Exception {
    Result r =
        fetchTwiceAround(
            "denied.test",
            () -> {
              write(allowDenied(), false);
              assertThat(corral("trust", "--yes").code()).isZero();
            });
    assertThat(r.out().lines().toList())
        .as(r.toString())
        .hasSize(2)
        .satisfies(l -> assertThat(l.get(0)).startsWith("403 default deny"))
        .satisfies(l -> assertThat(l.get(1)).isEqualTo("hello from upstream /x"));
  }

  @Test
  void keepsTheLastGoodPolicyWhenAnEditIsInvalid() throws Exception {
    Result r =
        fetchTwiceAround(
            "allowed.test",
            () ->
                write(
                    """
                    [network]
                    allow = ["*"]
                    """,
                    true));
    assertThat(r.out().lines().toList())
        .as(r.toString())
        .containsExactly("hello from upstream /x", "hello from upstream /x");
  }

  /** Writes the project file; {@code trusted} as if the user then ran {@code corral trust}. */
  private void write(String toml, boolean trusted) {
    try {
      Files.writeString(workspace.resolve("corral.toml"), toml);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    if (trusted) {
      TomlConfigSource.of(dirs).trust().trust(HostPath.of(workspace), toml);
    }
  }

  @Test
  void writesTheAuditLog() throws IOException {
    corral(
        "run", "--allow", "private:allowed.test:" + port, "--", "sh", "-c", fetch("denied.test"));
    Path log = tmp.resolve("state/egress/egress.jsonl");
    // The audit writer runs on its own thread; give it a moment.
    for (int i = 0; i < 100 && (!Files.exists(log) || Files.size(log) == 0); i++) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertThat(lines).anyMatch(l -> l.contains("\"host\":\"denied.test\"") && l.contains("deny"));
  }
}
