package dev.corral.nativebackend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.CorralDirs;
import dev.corral.core.EventSink;
import dev.corral.core.FilesystemPolicy;
import dev.corral.core.HostPath;
import dev.corral.core.NetworkMode;
import dev.corral.core.SandboxId;
import dev.corral.core.SandboxProcess;
import dev.corral.core.SandboxSpec;
import dev.corral.tck.Capability;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plumbing between a sandbox and its gateway listener, with a stand-in for the gateway: a
 * UNIX-socket server on the host that answers every connection with a greeting.
 */
class EgressForwarderTest {
  @TempDir Path temp;
  private Path workspace;

  @BeforeEach
  void requireNative() throws IOException {
    Capability.require(new NativeBackendProvider().probe().usable(), "the native backend");
    Capability.require(EgressForwarder.available(), "socat");
    workspace = Files.createDirectories(temp.resolve("ws"));
  }

  private String run(Path socket, String script) throws Exception {
    var backend =
        new NativeBackendProvider()
            .create(
                new CorralDirs(
                    HostPath.of(temp.resolve("c")),
                    HostPath.of(temp.resolve("d")),
                    HostPath.of(temp.resolve("s")),
                    HostPath.of(temp.resolve("r"))));
    SandboxSpec spec =
        SandboxSpec.builder(SandboxId.random(), HostPath.of(workspace))
            .command("/bin/sh", "-c", script)
            .filesystem(FilesystemPolicy.defaults(HostPath.of(temp.resolve("home")), List.of()))
            .network(new NetworkMode.Gateway(HostPath.of(socket)))
            .build();
    try (SandboxProcess p = backend.start(spec, EventSink.NONE)) {
      p.stdin().close();
      String out = new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out;
    }
  }

  @Test
  void reachesTheGatewayListenerThroughTheProxyPort() throws Exception {
    Path socket = temp.resolve("gw.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      Thread.ofVirtual()
          .start(
              () -> {
                try (SocketChannel c = server.accept()) {
                  c.write(
                      ByteBuffer.wrap("hello from the gateway\n".getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                  // the test fails on the missing greeting
                }
              });
      String out =
          run(
              socket,
              "echo $HTTPS_PROXY; python3 -c 'import socket; s=socket.create_connection("
                  + "(\"127.0.0.1\", 3128)); print(s.recv(100).decode().strip())'");
      assertThat(out).isEqualTo("http://127.0.0.1:3128\nhello from the gateway\n");
    }
  }

  @Test
  void hasNoNetworkWhenTheGatewayIsGone() throws Exception {
    Path socket = temp.resolve("gone.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
    }
    // The listener is closed (the gateway died); its socket file remains.
    String out =
        run(
            socket,
            "python3 -c 'import socket\ntry:\n  s=socket.create_connection((\"127.0.0.1\","
                + " 3128), 3); print(repr(s.recv(10)))\nexcept OSError as e: print(\"refused\")'");
    assertThat(out).isIn("refused\n", "b''\n");
  }

  @Test
  void toolsIgnoringTheProxyHaveNoRoute() throws Exception {
    Path socket = temp.resolve("gw2.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      String out =
          run(
              socket,
              "python3 -c 'import socket; s=socket.socket(); s.settimeout(3);"
                  + " print(s.connect_ex((\"192.0.2.1\", 443)))'; cat /proc/net/route | wc -l");
      assertThat(out.lines().toList()).hasSize(2);
      assertThat(out.lines().toList().get(0)).isNotEqualTo("0");
      assertThat(out.lines().toList().get(1)).isEqualTo("1");
    }
  }
}
