package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.corral.api.ApprovalAnswerRequest;
import dev.corral.api.ApprovalView;
import dev.corral.api.LogEnd;
import dev.corral.api.SandboxRequest;
import dev.corral.api.TaskView;
import dev.corral.cli.CliStreams;
import dev.corral.client.CorralClient;
import dev.corral.core.CorralDirs;
import dev.corral.core.EventSink;
import dev.corral.core.HostPath;
import dev.corral.egress.AddressCheck;
import dev.corral.engine.Engine;
import dev.corral.server.ApprovalQueue;
import dev.corral.server.ApprovalSettings;
import dev.corral.server.CloneTaskWorkspaces;
import dev.corral.server.CorralServer;
import dev.corral.server.ServerConfig;
import dev.corral.server.ShellAgent;
import dev.corral.store.SqliteStore;
import dev.corral.tck.Capability;
import dev.corral.workspace.ReviewSettings;
import dev.corral.workspace.Workspaces;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Ask mode end to end, composed like {@code corral server} composes it: the server's approval queue
 * is the egress gateway's approver (through the {@link ApproverSlot}), a sandbox created over the
 * API with {@code egressAsk} requests a host no rule allows, the host approval appears over the
 * API, "allow once" lets the request through to the upstream and "deny" gets a 403. The test hosts
 * resolve to 127.0.0.2 through the gateway's resolver overrides, and the test's address guard lets
 * exactly 127.0.0.2 stand in for a public address (every other address gets the real check);
 * nothing leaves this machine.
 */
class ServerAskEndToEndTest {
  @TempDir Path tmp;
  private HttpServer upstream;
  private GatewayEgress egress;
  private SqliteStore store;
  private CorralServer server;
  private CorralClient client;
  private int port;
  private Path data;

  @BeforeEach
  void start() throws Exception {
    Capability.require(Files.isExecutable(Path.of("/usr/bin/bwrap")), "bubblewrap");
    Capability.require(Files.isExecutable(Path.of("/usr/bin/socat")), "socat");
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

    CorralDirs dirs =
        new CorralDirs(
            HostPath.of(tmp.resolve("config")),
            HostPath.of(tmp.resolve("data")),
            HostPath.of(tmp.resolve("state")),
            HostPath.of(tmp.resolve("runtime")));
    ApproverSlot approver = new ApproverSlot();
    egress =
        new GatewayEgress(
            dirs,
            TomlConfigSource.of(dirs),
            approver,
            (address, privateTargets) ->
                address.getHostAddress().equals("127.0.0.2")
                    ? Optional.empty()
                    : AddressCheck.refusal(address, privateTargets));
    egress.resolve(Map.of("ask.test", "127.0.0.2", "nope.test", "127.0.0.2"));
    data = Files.createDirectories(tmp.resolve("server"));
    store = SqliteStore.open(data.resolve("store.db"), true);
    // As ServerCommand does it: one queue, handed to the gateway through the slot.
    ApprovalQueue approvals = ApprovalQueue.open(store, ApprovalSettings.DEFAULT);
    approver.fill(approvals);
    Engine engine = Engine.load(dirs, EventSink.NONE, egress);
    server =
        CorralServer.start(
            ServerConfig.loopback(data, 0, 1),
            store,
            engine,
            new CloneTaskWorkspaces(
                new Workspaces(dirs), engine, data.resolve("mirrors"), ReviewSettings.DEFAULT),
            new ShellAgent(),
            Optional.empty(),
            approvals);
    client =
        CorralClient.of(
            URI.create("http://127.0.0.1:" + server.port()),
            Files.readString(CorralServer.tokenFile(data)).strip());
  }

  @AfterEach
  void stop() {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      if (store != null) {
        store.close();
      }
      if (egress != null) {
        egress.close();
      }
      if (upstream != null) {
        upstream.stop(0);
      }
    }
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
        + "  print(e.code, e.headers[\"X-Corral-Denied\"])'";
  }

  @Test
  void anAskModeSandboxWaitsForTheHumanAllowOnceGoesThroughAndDenyIs403() throws Exception {
    Path workspace = Files.createDirectories(tmp.resolve("ws"));
    client.createSandbox(
        new SandboxRequest(
            "asking",
            workspace.toString(),
            List.of("sh", "-c", fetch("ask.test") + "; " + fetch("nope.test")),
            false,
            null,
            null,
            null,
            null,
            null,
            null,
            true));
    try {
      ApprovalView allow = awaitHost("ask.test");
      assertThat(allow.sandbox()).isEqualTo("asking");
      client.answer(allow.id(), new ApprovalAnswerRequest("allow-once", null, null));

      ApprovalView deny = awaitHost("nope.test");
      client.answer(deny.id(), new ApprovalAnswerRequest("deny", null, null));

      StringBuilder seen = new StringBuilder();
      LogEnd end = client.followSandbox("asking", 0, c -> seen.append(c.text()));
      assertThat(end.state()).isEqualTo("exited");
      assertThat(seen.toString()).isEqualTo("hello from upstream /x\n403 ask: denied\n");
      // Allow once is for that one request: nothing was written to a policy file.
      Path project = workspace.resolve("corral.toml");
      assertThat(Files.isRegularFile(project) ? Files.readString(project) : "")
          .doesNotContain("ask.test");
    } finally {
      client.removeSandbox("asking");
    }
  }

  @Test
  void withoutEgressAskAnUnknownHostIsDeniedAndNobodyIsAsked() throws Exception {
    Path workspace = Files.createDirectories(tmp.resolve("ws-plain"));
    client.createSandbox(
        new SandboxRequest(
            "plain",
            workspace.toString(),
            List.of("sh", "-c", fetch("ask.test")),
            false,
            null,
            null,
            List.of("example.invalid"),
            null,
            null,
            null,
            null));
    try {
      StringBuilder seen = new StringBuilder();
      client.followSandbox("plain", 0, c -> seen.append(c.text()));
      assertThat(seen.toString()).startsWith("403 ");
      assertThat(client.approvals(Optional.empty(), 100).approvals()).isEmpty();
    } finally {
      client.removeSandbox("plain");
    }
  }

  @Test
  void aTaskWithEgressAskAsksForItsHostToo() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Files.writeString(repo.resolve("README"), "hello\n");
    git(repo, "init", "--quiet", "--initial-branch=main");
    git(repo, "add", "README");
    git(repo, "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "--quiet", "-m", "1");
    // Submitted the way a user does it: `corral task submit --egress-ask`.
    String[] args = {
      "task",
      "submit",
      "--server",
      "http://127.0.0.1:" + server.port(),
      "--token-file",
      CorralServer.tokenFile(data).toString(),
      "--agent",
      "shell",
      "--prompt",
      fetch("ask.test"),
      "--timeout",
      "60s",
      "--egress-ask"
    };
    CommandLine cli =
        Main.commandLine(
            CorralDirs.from(Map.of(), HostPath.of(tmp.resolve("home"))),
            Map.of("PATH", "/usr/bin:/bin"),
            HostPath.of(repo),
            CliStreams.piped(new ByteArrayInputStream(new byte[0])),
            List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    assertThat(code).as(err.toString()).isZero();
    TaskView task = client.task(out.toString().strip());

    ApprovalView allow = awaitHost("ask.test");
    assertThat(allow.sandbox()).isEqualTo(task.id());
    client.answer(allow.id(), new ApprovalAnswerRequest("allow-once", null, null));

    StringBuilder seen = new StringBuilder();
    client.follow(task.id(), 0, c -> seen.append(c.text()));
    assertThat(seen.toString()).contains("hello from upstream /x\r\n");
    assertThat(client.task(task.id()).state()).isEqualTo("succeeded");
  }

  private static void git(Path dir, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
  }

  private ApprovalView awaitHost(String host) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (ApprovalView view : client.approvals(Optional.of("pending"), 100).approvals()) {
        if (view.kind().equals("host") && host.equals(view.host())) {
          return view;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no host approval for " + host + " within 30 s");
  }
}
