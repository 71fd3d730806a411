package dev.corral.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.EgressRecord;
import dev.corral.core.EgressRequest;
import dev.corral.core.SandboxId;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SocksAndUnixSocketTest {
  static final Policy POLICY = Doubles.allowing("allowed.test", "tls.test");

  @TempDir static Path dir;
  static Upstreams upstreams;

  @BeforeAll
  static void startUpstreams() throws Exception {
    upstreams = new Upstreams(dir);
  }

  @AfterAll
  static void stopUpstreams() throws IOException {
    upstreams.close();
  }

  static byte[] connectTo(int command, String host, int port) {
    byte[] name = host.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer request = ByteBuffer.allocate(7 + name.length);
    request.put((byte) 5).put((byte) command).put((byte) 0).put((byte) 3);
    request.put((byte) name.length).put(name).putShort((short) port);
    return request.array();
  }

  /** Greets with no-auth, sends a command, and returns the reply code. */
  static int socks(InputStream in, OutputStream out, int command, String host, int port)
      throws IOException {
    out.write(new byte[] {5, 1, 0});
    DataInputStream data = new DataInputStream(in);
    assertThat(data.readShort()).isEqualTo((short) 0x0500);
    out.write(connectTo(command, host, port));
    byte[] reply = new byte[10];
    data.readFully(reply);
    return reply[1];
  }

  @Test
  void socksConnectRelaysToAnAllowedHostAndRefusesOthers() throws Exception {
    Doubles.Recorder audit = new Doubles.Recorder();
    try (EgressGateway gateway = EgressGateway.start(Doubles.resolver(), Doubles.guard(), audit);
        Listener listener =
            gateway.openTcp(
                SandboxId.of("socks"),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                () -> POLICY)) {
      try (Socket socket = new Socket()) {
        socket.connect(listener.address());
        socket.setSoTimeout(5000);
        assertThat(socks(socket.getInputStream(), socket.getOutputStream(), 1, "tls.test", 443))
            .isZero();
        assertThat(upstreams.tlsRoundTrip(socket, "tls.test")).isEqualTo("tls says ping");
      }
      for (var refusal :
          List.of(
              List.of(1, "denied.test", 0x02),
              List.of(1, "nowhere.test", 0x02),
              List.of(2, "allowed.test", 0x07),
              List.of(3, "allowed.test", 0x07))) {
        try (Socket socket = new Socket()) {
          socket.connect(listener.address());
          socket.setSoTimeout(5000);
          int code =
              socks(
                  socket.getInputStream(),
                  socket.getOutputStream(),
                  (Integer) refusal.get(0),
                  (String) refusal.get(1),
                  80);
          assertThat(code).as(refusal.toString()).isEqualTo((Integer) refusal.get(2));
          assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
      }
      List<EgressRecord> records = audit.await(3);
      assertThat(records)
          .extracting(r -> r.request().protocol())
          .containsOnly(EgressRequest.Protocol.SOCKS5);
      assertThat(records)
          .extracting(r -> r.decision().rule())
          .containsExactly("allow tls.test", "default deny", "default deny");
    }
  }

  @Test
  void eachSandboxHasItsOwnPrivateUnixSocketAndRecords() throws Exception {
    Doubles.Recorder audit = new Doubles.Recorder();
    Path sockets = Files.createDirectories(dir.resolve("sockets"));
    try (EgressGateway gateway = EgressGateway.start(Doubles.resolver(), Doubles.guard(), audit)) {
      Path one = sockets.resolve("one.sock");
      Path two = sockets.resolve("two.sock");
      gateway.open(SandboxId.of("one"), one, () -> POLICY);
      Listener second = gateway.open(SandboxId.of("two"), two, () -> POLICY);

      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(one)))
          .isEqualTo("rw-------");
      assertThat(getOverUnixSocket(one, "/from-one")).startsWith("HTTP/1.1 200");
      assertThat(getOverUnixSocket(two, "/from-two")).startsWith("HTTP/1.1 200");
      assertThat(audit.await(2))
          .extracting(r -> r.request().sandbox().value() + " " + r.request().path().orElseThrow())
          .containsExactlyInAnyOrder("one /from-one", "two /from-two");

      second.close();
      assertThat(Files.exists(two)).isFalse();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> getOverUnixSocket(two, "/gone"))
          .isInstanceOf(IOException.class);
    }
  }

  String getOverUnixSocket(Path socket, String path) throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(java.net.UnixDomainSocketAddress.of(socket));
      OutputStream out = Channels.newOutputStream(channel);
      RawHttp.send(
          out,
          "GET http://allowed.test:"
              + upstreams.httpPort()
              + path
              + " HTTP/1.1\r\nConnection: close\r\n\r\n");
      return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
