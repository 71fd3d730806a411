package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.api.ApprovalAnswerRequest;
import dev.corral.api.ApprovalView;
import dev.corral.api.LogEnd;
import dev.corral.api.SandboxRequest;
import dev.corral.api.TaskView;
import dev.corral.cli.CliStreams;
import dev.corral.client.CorralClient;
import dev.corral.core.CorralDirs;
import dev.corral.core.HostPath;
import dev.corral.server.CorralServer;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
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
  private GatewayServer gateway;
  private CorralClient client;
  private int port;

  @BeforeEach
  void start() throws Exception {
    gateway = GatewayServer.start(tmp, "ask.test", "nope.test");
    client = gateway.client;
    port = gateway.upstreamPort;
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
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
      gateway.url(""),
      "--token-file",
      CorralServer.tokenFile(gateway.data).toString(),
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
