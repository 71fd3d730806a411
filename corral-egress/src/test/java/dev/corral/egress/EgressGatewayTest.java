package dev.corral.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.EgressDecision;
import dev.corral.core.EgressRecord;
import dev.corral.core.EgressRequest;
import dev.corral.core.SandboxId;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EgressGatewayTest {
  static final SandboxId SANDBOX = SandboxId.of("brisk-yak-0001");
  static final Policy POLICY =
      Doubles.allowing(
          "allowed.test", "other.test", "tls.test", "loopback.test", "meta.test", "nowhere.test");

  @TempDir static Path dir;
  static Upstreams upstreams;

  Doubles.Recorder audit;
  EgressGateway gateway;
  Listener listener;

  @BeforeAll
  static void startUpstreams() throws Exception {
    upstreams = new Upstreams(dir);
  }

  @AfterAll
  static void stopUpstreams() throws IOException {
    upstreams.close();
  }

  @BeforeEach
  void startGateway() {
    audit = new Doubles.Recorder();
    gateway =
        EgressGateway.start(
            Doubles.resolver(),
            Doubles.guard(),
            audit,
            GatewaySettings.defaults()
                .withHeadTimeout(Duration.ofMillis(500))
                .withMaxConnectionsPerSandbox(4));
    listener =
        gateway.openTcp(
            SANDBOX,
            new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0),
            () -> POLICY);
  }

  @AfterEach
  void stopGateway() {
    gateway.close();
  }

  Socket client() throws IOException {
    Socket socket = new Socket();
    socket.connect(listener.address(), 2000);
    socket.setSoTimeout(5000);
    return socket;
  }

  String get(String url) {
    return "GET " + url + " HTTP/1.1\r\nHost: x\r\nProxy-Authorization: Basic c2VjcmV0\r\n\r\n";
  }

  @Test
  void forwardsAllowedHttpInOriginFormWithoutProxyHeaders() throws Exception {
    try (Socket socket = client()) {
      RawHttp.send(
          socket.getOutputStream(),
          get("http://allowed.test:" + upstreams.httpPort() + "/a/b?x=1"));
      RawHttp response = RawHttp.read(socket.getInputStream());

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.body())
          .isEqualTo(
              "hello /a/b?x=1 host=allowed.test:" + upstreams.httpPort() + " proxy-auth=false");
    }
    EgressRecord record = audit.await(1).getFirst();
    assertThat(record.request())
        .isEqualTo(
            new EgressRequest(
                SANDBOX,
                EgressRequest.Protocol.HTTP,
                "allowed.test",
                upstreams.httpPort(),
                java.util.Optional.of("GET"),
                java.util.Optional.of("/a/b")));
    assertThat(record.address()).contains("127.0.0.2");
    assertThat(record.decision())
        .isEqualTo(new EgressDecision.Allowed("allow allowed.test", false));
    assertThat(record.bytesUp()).isPositive();
    assertThat(record.bytesDown()).isGreaterThan(40);
    assertThat(gateway.counters().allowed()).isEqualTo(1);
    assertThat(gateway.counters().bytesDown()).isEqualTo(record.bytesDown());
  }

  @Test
  void deniesHttpToUnlistedHostWithRuleAndTheCommandThatAllowsIt() throws Exception {
    try (Socket socket = client()) {
      RawHttp.send(socket.getOutputStream(), get("http://denied.test/x"));
      RawHttp response = RawHttp.read(socket.getInputStream());

      assertThat(response.status()).isEqualTo(403);
      assertThat(response.headers()).containsEntry("x-corral-denied", "default deny");
      assertThat(response.body())
          .isEqualTo(
              "corral: egress to denied.test:80 denied by default deny. Allow it with: corral"
                  + " policy allow denied.test:80\n");
    }
    EgressRecord record = audit.await(1).getFirst();
    assertThat(record.decision()).isInstanceOf(EgressDecision.Denied.class);
    assertThat(record.address()).isEmpty();
    assertThat(gateway.counters().denied()).isEqualTo(1);
  }

  @Test
  void keepsAliveForTwoRequestsOnOneConnectionAndReconnectsForAnotherHost() throws Exception {
    int port = upstreams.httpPort();
    try (Socket socket = client()) {
      InputStream in = socket.getInputStream();
      RawHttp.send(socket.getOutputStream(), get("http://allowed.test:" + port + "/one"));
      assertThat(RawHttp.read(in).body()).startsWith("hello /one");
      RawHttp.send(socket.getOutputStream(), get("http://allowed.test:" + port + "/two"));
      assertThat(RawHttp.read(in).body()).startsWith("hello /two");
      RawHttp.send(socket.getOutputStream(), get("http://other.test:" + port + "/three"));
      assertThat(RawHttp.read(in).body()).startsWith("hello /three host=other.test");
    }
    assertThat(audit.await(3))
        .extracting(r -> r.request().path().orElseThrow())
        .containsExactly("/one", "/two", "/three");
  }

  @Test
  void refusesNamesResolvingToLoopbackOrMetadata() throws Exception {
    for (String host : List.of("loopback.test", "meta.test")) {
      try (Socket socket = client()) {
        RawHttp.send(socket.getOutputStream(), get("http://" + host + "/latest/meta-data"));
        RawHttp response = RawHttp.read(socket.getInputStream());

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.headers()).containsEntry("x-corral-denied", "address check");
        assertThat(response.body())
            .startsWith("corral: egress to " + host + ":80 refused: " + host + " resolves to ");
      }
    }
    assertThat(audit.await(2))
        .extracting(EgressRecord::address)
        .containsExactlyInAnyOrder(
            java.util.Optional.of("127.0.0.1"), java.util.Optional.of("169.254.169.254"));
  }

  @Test
  void answersUnresolvableNamesWith502() throws Exception {
    try (Socket socket = client()) {
      RawHttp.send(socket.getOutputStream(), get("http://nowhere.test/"));
      assertThat(RawHttp.read(socket.getInputStream()).status()).isEqualTo(502);
    }
  }

  @Test
  void tunnelsTlsThroughAnAllowedConnect() throws Exception {
    try (Socket socket = client()) {
      RawHttp.send(
          socket.getOutputStream(), "CONNECT tls.test:443 HTTP/1.1\r\nHost: tls.test:443\r\n\r\n");
      assertThat(RawHttp.readHead(socket.getInputStream()))
          .startsWith("HTTP/1.1 200 Connection Established");

      assertThat(upstreams.tlsRoundTrip(socket, "tls.test")).isEqualTo("tls says ping");
    }
    EgressRecord record = audit.await(1).getFirst();
    assertThat(record.request().protocol()).isEqualTo(EgressRequest.Protocol.CONNECT);
    assertThat(record.address()).contains("127.0.0.3");
    assertThat(record.bytesUp()).isGreaterThan(100);
    assertThat(record.bytesDown()).isGreaterThan(100);
  }

  @Test
  void holdsTheUpstreamBackWhileTheClientDoesNotReadAndCountsEveryByte() throws Exception {
    for (boolean tunnel : List.of(false, true)) {
      upstreams.bigWritten.set(0);
      String authority = "allowed.test:" + upstreams.httpPort();
      try (Socket socket = client()) {
        socket.setSoTimeout(20_000);
        if (tunnel) {
          RawHttp.send(
              socket.getOutputStream(),
              "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
          assertThat(RawHttp.readHead(socket.getInputStream()))
              .startsWith("HTTP/1.1 200 Connection Established");
          RawHttp.send(
              socket.getOutputStream(),
              "GET /big HTTP/1.1\r\nHost: " + authority + "\r\nConnection: close\r\n\r\n");
        } else {
          RawHttp.send(
              socket.getOutputStream(),
              "GET http://" + authority + "/big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        }
        Thread.sleep(1000);
        // Kernel socket buffers on the way hold some MiB; without backpressure all 64 MiB go.
        assertThat(upstreams.bigWritten.get()).as("tunnel=" + tunnel).isLessThan(Upstreams.BIG / 2);

        InputStream in = socket.getInputStream();
        assertThat(RawHttp.readHead(in)).startsWith("HTTP/1.1 200");
        assertThat(in.transferTo(java.io.OutputStream.nullOutputStream())).isEqualTo(Upstreams.BIG);
      }
      EgressRecord record = audit.await(tunnel ? 2 : 1).getLast();
      assertThat(record.bytesDown()).isGreaterThan(Upstreams.BIG);
    }
  }

  @Test
  void deniesConnectToUnlistedHost() throws Exception {
    try (Socket socket = client()) {
      RawHttp.send(socket.getOutputStream(), "CONNECT denied.test:443 HTTP/1.1\r\n\r\n");
      RawHttp response = RawHttp.read(socket.getInputStream());
      assertThat(response.status()).isEqualTo(403);
      assertThat(response.body()).contains("corral policy allow denied.test:443");
    }
  }

  @Test
  void refusesTunnelWhoseSniNamesAnotherHost() throws Exception {
    try (Socket socket = client()) {
      RawHttp.send(socket.getOutputStream(), "CONNECT tls.test:443 HTTP/1.1\r\n\r\n");
      assertThat(RawHttp.readHead(socket.getInputStream())).startsWith("HTTP/1.1 200");

      assertThatThrownBy(() -> upstreams.tlsRoundTrip(socket, "fronted.test"))
          .isInstanceOf(IOException.class);
    }
    EgressRecord record = audit.await(1).getFirst();
    assertThat(record.decision())
        .isEqualTo(
            new EgressDecision.Denied(
                "sni check",
                "sni mismatch: the TLS ClientHello names fronted.test but the tunnel was opened to"
                    + " tls.test"));
  }

  @Test
  void refusesIpLiteralConnectThePolicyDoesNotName() throws Exception {
    try (Socket socket = client()) {
      RawHttp.send(socket.getOutputStream(), "CONNECT 127.0.0.3:443 HTTP/1.1\r\n\r\n");
      assertThat(RawHttp.read(socket.getInputStream()).status()).isEqualTo(403);
    }
  }

  @Test
  void rejectsOriginFormMalformedAndOversizedRequests() throws Exception {
    try (Socket socket = client()) {
      RawHttp.send(socket.getOutputStream(), "GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttp response = RawHttp.read(socket.getInputStream());
      assertThat(response.status()).isEqualTo(400);
      assertThat(response.body()).contains("egress proxy");
    }
    try (Socket socket = client()) {
      RawHttp.send(socket.getOutputStream(), "GARBAGE\r\n\r\n");
      assertThat(RawHttp.read(socket.getInputStream()).status()).isEqualTo(400);
    }
    try (Socket socket = client()) {
      RawHttp.send(
          socket.getOutputStream(),
          "GET http://allowed.test/ HTTP/1.1\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
      assertThat(RawHttp.read(socket.getInputStream()).status()).isEqualTo(431);
    }
    try (Socket socket = client()) {
      RawHttp.send(
          socket.getOutputStream(),
          "GET http://allowed.test/" + "a".repeat(9_000) + " HTTP/1.1\r\n\r\n");
      assertThat(RawHttp.read(socket.getInputStream()).status()).isEqualTo(414);
    }
  }

  @Test
  void closesSlowlorisAfterTheHeadTimeout() throws Exception {
    try (Socket socket = client()) {
      RawHttp.send(socket.getOutputStream(), "GET http://allowed.test/ HTTP/1.1\r\nX-Slow: ");
      long started = System.nanoTime();
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    }
  }

  @Test
  void refusesConnectionsBeyondTheSandboxLimit() throws Exception {
    List<Socket> held = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        held.add(client());
      }
      while (listener.connections() < 4) {
        Thread.sleep(5);
      }
      try (Socket fifth = client()) {
        RawHttp.send(
            fifth.getOutputStream(), get("http://allowed.test:" + upstreams.httpPort() + "/"));
        RawHttp response = RawHttp.read(fifth.getInputStream());
        assertThat(response.status()).isEqualTo(429);
        assertThat(response.headers()).containsEntry("x-corral-denied", "connection limit");
      }
      assertThat(audit.await(1).getFirst().decision().rule()).isEqualTo("connection limit");
    } finally {
      for (Socket socket : held) {
        socket.close();
      }
    }
  }

  @Test
  void closedListenerRefusesNewConnections() {
    listener.close();
    assertThatThrownBy(this::client).isInstanceOf(IOException.class);
  }
}
