package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.ApprovalAnswer;
import dev.corral.core.ApprovalGate;
import dev.corral.core.ApprovalRequest;
import dev.corral.core.CorralDirs;
import dev.corral.core.EgressPort;
import dev.corral.core.EgressRules;
import dev.corral.core.HostPath;
import dev.corral.core.SandboxId;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ask mode through the composition root's gateway: "allow always" answers go into the same files
 * {@code corral policy allow} writes, and an approved name that resolves to a private address is
 * still refused. The test host resolves to 127.0.0.2 through a resolver override; nothing is sent.
 */
class GatewayEgressAskTest {
  @TempDir Path tmp;
  Path workspace;
  CorralDirs dirs;
  TomlConfigSource config;
  final List<ApprovalRequest> asked = new CopyOnWriteArrayList<>();
  ApprovalAnswer answer = new ApprovalAnswer.Deny(false);
  GatewayEgress egress;

  @BeforeEach
  void setUp() throws IOException {
    workspace = Files.createDirectory(tmp.resolve("ws"));
    dirs =
        new CorralDirs(
            HostPath.of(tmp.resolve("config")),
            HostPath.of(tmp.resolve("data")),
            HostPath.of(tmp.resolve("state")),
            HostPath.of(tmp.resolve("runtime")));
    config = TomlConfigSource.of(dirs);
    ApprovalGate gate =
        (request, timeout) -> {
          asked.add(request);
          return CompletableFuture.completedFuture(answer);
        };
    egress = new GatewayEgress(dirs, config, gate);
  }

  @AfterEach
  void tearDown() {
    egress.close();
  }

  EgressPort.Lease open() {
    return egress.open(
        SandboxId.of("ask-app-0001"),
        HostPath.of(workspace),
        new EgressRules(
            List.of(), Map.of("ask.test", "127.0.0.2"), Optional.of(Duration.ofSeconds(30))));
  }

  static String get(EgressPort.Lease lease, String url) throws IOException {
    try (SocketChannel channel =
        SocketChannel.open(UnixDomainSocketAddress.of(lease.socket().path()))) {
      OutputStream out = Channels.newOutputStream(channel);
      out.write(
          ("GET " + url + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = Channels.newInputStream(channel);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void allowAlwaysForTheProjectWritesCorralTomlButNeverUnlocksAPrivateAddress() throws IOException {
    answer = new ApprovalAnswer.AllowAlways(ApprovalAnswer.Scope.PROJECT);
    try (EgressPort.Lease lease = open()) {
      String response = get(lease, "http://ask.test:8080/x");

      assertThat(asked).containsExactly(new ApprovalRequest.Host("ask-app-0001", "ask.test", 8080));
      assertThat(response)
          .startsWith("HTTP/1.1 403")
          .contains("ask.test resolves to 127.0.0.2, 127.0.0.2 is a loopback address");
      assertThat(Files.readString(workspace.resolve("corral.toml")))
          .contains("allow = [\"ask.test:8080\"]");
      // The user made this change through the approval, so the project file stays trusted.
      assertThat(config.load(HostPath.of(workspace)).warnings()).isEmpty();
    }
  }

  @Test
  void allowAlwaysEverywhereWritesTheUserConfiguration() throws IOException {
    answer = new ApprovalAnswer.AllowAlways(ApprovalAnswer.Scope.EVERYWHERE);
    try (EgressPort.Lease lease = open()) {
      get(lease, "http://ask.test/x");
    }
    assertThat(Files.readString(config.userFile())).contains("allow = [\"ask.test\"]");
    assertThat(workspace.resolve("corral.toml")).doesNotExist();
  }

  @Test
  void aDeniedHostIsReportedLikeAnyDenial() throws IOException {
    try (EgressPort.Lease lease = open()) {
      String response = get(lease, "http://ask.test/x");
      assertThat(response).startsWith("HTTP/1.1 403").contains("X-Corral-Denied: ask: denied");
      assertThat(lease.deniedHosts()).containsExactly("ask.test:80");
    }
  }
}
