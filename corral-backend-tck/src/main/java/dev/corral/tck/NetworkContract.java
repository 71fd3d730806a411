package dev.corral.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.HostPath;
import dev.corral.core.NetworkMode;
import dev.corral.core.SandboxOutcome;
import dev.corral.core.SandboxSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The network part of the contract: a sandbox with {@link NetworkMode.Gateway} reaches the network
 * only through its own gateway listener, and every way around it fails. Each backend's test suite
 * has a subclass of this class next to its {@link BackendContract} subclass.
 *
 * <p>The gateway is a {@link StandInGateway} (this suite tests the backend's plumbing, not the
 * gateway's policy), and a {@link LocalUpstream} on {@code 127.0.0.2} is the one server that a
 * sandbox may reach, through a CONNECT tunnel of its gateway. All traffic stays on this machine:
 * the documentation addresses {@code 192.0.2.1} and {@code 2001:db8::1} appear only as targets that
 * must be unreachable.
 */
@Timeout(120)
public abstract class NetworkContract extends SandboxFixture {
  /** Where the gateway listens inside every backend (see the backends' forwarders). */
  protected static final String PROXY = "http://127.0.0.1:3128";

  private static final String FETCH =
      """
      python3 -c 'import urllib.request, sys
      try:
          print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())
      except Exception as e:
          print("failed", type(e).__name__)' \
      """;

  private LocalUpstream upstream;
  private Path gateways;
  private final List<StandInGateway> started = new ArrayList<>();

  @BeforeEach
  void startUpstream() throws IOException {
    upstream = LocalUpstream.start();
    // The host's runtime directory of gateway sockets, outside every sandbox's view.
    gateways = Files.createDirectories(temp.resolve("gateways"));
  }

  @AfterEach
  void stopAll() throws IOException {
    for (StandInGateway gateway : started) {
      gateway.close();
    }
    if (upstream != null) { // null when the backend's assumption skipped the test first
      upstream.close();
    }
  }

  /** A sandbox running {@code script} with its own gateway listener, started and named by it. */
  private record Gated(SandboxSpec spec, StandInGateway gateway, Path socket) {}

  private Gated gated(String script) {
    SandboxSpec spec = sh(script).build();
    Path socket = gateways.resolve(spec.id().value() + ".sock");
    try {
      StandInGateway gateway = StandInGateway.start(spec.id().value(), socket, upstream.address());
      started.add(gateway);
      return new Gated(
          spec.withNetwork(new NetworkMode.Gateway(HostPath.of(socket))), gateway, socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String upstreamUrl(String path) {
    return "http://127.0.0.2:" + upstream.port() + path;
  }

  // ---- through the gateway ---------------------------------------------------------------

  @Test
  void reachesItsGatewayThroughTheProxyVariables() {
    Gated g = gated("echo $HTTP_PROXY; " + FETCH + "http://upstream.test/hello");
    Run r = run(g.spec());
    assertThat(r.stdout()).as(r.toString()).isEqualTo(PROXY + "\n" + g.gateway().answer() + "\n");
    assertThat(g.gateway().requests()).containsExactly("GET http://upstream.test/hello HTTP/1.1");
    assertThat(upstream.connections()).isZero();
  }

  @Test
  void reachesTheUpstreamThroughAGatewayTunnel() {
    Gated g =
        gated(
            "curl -sS --max-time 10 --proxytunnel -x \"$HTTP_PROXY\" " + upstreamUrl("/tunnelled"));
    Run r = run(g.spec());
    assertThat(r.stdout()).as(r.toString()).isEqualTo(LocalUpstream.BODY);
    assertThat(g.gateway().requests())
        .containsExactly("CONNECT 127.0.0.2:" + upstream.port() + " HTTP/1.1");
    assertThat(upstream.connections()).isOne();
  }

  // ---- around the gateway ----------------------------------------------------------------

  @Test
  void curlIgnoringTheProxyGetsNoNetwork() {
    Gated g =
        gated(
            "for url in "
                + upstreamUrl("/direct")
                + " http://192.0.2.1/ 'http://[2001:db8::1]/'; do"
                + " curl -sS --noproxy '*' --max-time 5 \"$url\"; echo rc=$?; done");
    Run r = run(g.spec());
    assertThat(r.stdout().lines().toList())
        .as(r.toString())
        .hasSize(3)
        .allSatisfy(line -> assertThat(line).startsWith("rc=").isNotEqualTo("rc=0"));
    assertThat(upstream.connections()).isZero();
    assertThat(g.gateway().requests()).isEmpty();
  }

  @Test
  void rawDevTcpConnectGetsNoNetwork() {
    Gated g =
        gated(
            "for target in 127.0.0.2/"
                + upstream.port()
                + " 192.0.2.1/80; do timeout 10 bash -c"
                + " \"exec 3<>/dev/tcp/$target && echo CONNECTED $target\"; echo rc=$?; done");
    Run r = run(g.spec());
    assertThat(r.stdout()).as(r.toString()).doesNotContain("CONNECTED").contains("rc=1");
    assertThat(r.stdout().lines().toList()).hasSize(2).doesNotContain("rc=0", "rc=124");
    assertThat(upstream.connections()).isZero();
  }

  @Test
  void hasNoRouteToAnyAddressBesideItsGateway() {
    Gated g =
        gated(
            """
            python3 -c 'import socket
            for fam, addr in ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1")):
                s = socket.socket(fam); s.settimeout(5)
                print(addr, s.connect_ex((addr, 443)))'
            tail -n +2 /proc/net/route | wc -l
            awk '$NF != "lo"' /proc/net/ipv6_route 2>/dev/null | wc -l
            """);
    Run r = run(g.spec());
    // 101 is ENETUNREACH (Linux), 113 EHOSTUNREACH (gVisor's network stack): refused at once, no
    // packet leaves; both tables hold no route but lo's.
    List<String> lines = r.stdout().lines().toList();
    assertThat(lines).as(r.toString()).hasSize(4);
    assertThat(lines.get(0)).as(r.toString()).matches("192\\.0\\.2\\.1 (101|113)");
    assertThat(lines.get(1)).as(r.toString()).matches("2001:db8::1 (101|113)");
    assertThat(lines.subList(2, 4)).as(r.toString()).containsExactly("0", "0");
  }

  @Test
  void cannotResolveNamesBecauseOnlyTheGatewayResolves() {
    Gated g =
        gated(
            "for name in example.com upstream.test localhost.localdomain.test; do"
                + " timeout 20 getent hosts $name; echo rc=$?; done;"
                + " python3 -c 'import socket\ntry: print(socket.getaddrinfo(\"example.com\","
                + " 443))\nexcept OSError as e: print(type(e).__name__)'");
    Run r = run(g.spec());
    assertThat(r.stdout().lines().toList())
        .as(r.toString())
        .containsExactly("rc=2", "rc=2", "rc=2", "gaierror");
  }

  @Test
  void hasNoNetworkOnceItsGatewayIsKilled() {
    Gated g =
        gated(
            FETCH
                + "http://upstream.test/before\n"
                + """
                python3 -c 'import socket, sys
                held = socket.create_connection(("127.0.0.1", 3128), timeout=5)
                held.sendall(b"CONNECT 127.0.0.2:%s HTTP/1.1\\r\\n\\r\\n")
                print(held.recv(100).split(b"\\r\\n")[0].decode(), flush=True)
                sys.stdin.readline()
                try:
                    held.sendall(b"GET / HTTP/1.1\\r\\nHost: 127.0.0.2\\r\\n\\r\\n")
                    print("held tunnel:", held.recv(100) or "closed")
                except OSError as e:
                    print("held tunnel: closed", type(e).__name__)'
                """
                    .formatted(upstream.port())
                + FETCH
                + "http://upstream.test/after\n"
                + "curl -sS --noproxy '*' --max-time 5 "
                + upstreamUrl("/direct")
                + "; echo rc=$?");
    Run r =
        run(
            g.spec(),
            p -> {
              awaitRequests(g.gateway(), 2);
              try {
                g.gateway().close();
                p.stdin().write("gateway killed\n".getBytes(StandardCharsets.UTF_8));
                p.stdin().flush();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    assertThat(r.outcome()).as(r.toString()).isEqualTo(new SandboxOutcome.Exited(0));
    List<String> lines = r.stdout().lines().toList();
    assertThat(lines).as(r.toString()).hasSize(5);
    assertThat(lines.get(0)).isEqualTo(g.gateway().answer());
    assertThat(lines.get(1)).isEqualTo("HTTP/1.1 200 Connection established");
    assertThat(lines.get(2)).startsWith("held tunnel: closed");
    assertThat(lines.get(3)).startsWith("failed ");
    assertThat(lines.get(4)).startsWith("rc=").isNotEqualTo("rc=0");
    assertThat(g.gateway().requests()).hasSize(2);
    assertThat(upstream.connections()).as("only the tunnel, before the kill").isOne();
  }

  private static void awaitRequests(StandInGateway gateway, int count) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (gateway.requests().size() < count && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  // ---- between sandboxes -----------------------------------------------------------------

  @Test
  void cannotReachAnotherSandboxsGatewayListener() {
    Gated b = gated(FETCH + "http://upstream.test/from-b");
    Gated a =
        gated(
            FETCH
                + "http://upstream.test/from-a\n"
                + "test -e "
                + b.socket()
                + " && echo SEES-B; test -e "
                + gateways
                + " && echo SEES-GATEWAYS\n"
                + "python3 -c 'import socket, sys\n"
                + "try: socket.socket(socket.AF_UNIX).connect(sys.argv[1]); print(\"CONNECTED\")\n"
                + "except OSError as e: print(type(e).__name__)' "
                + b.socket()
                + "\nfind / -path /proc -prune -o -name '*.sock' -print 2>/dev/null");
    Run ra = run(a.spec());
    Run rb = run(b.spec());
    assertThat(ra.stdout())
        .as(ra.toString())
        .isEqualTo(a.gateway().answer() + "\nFileNotFoundError\n/run/corral/egress.sock\n");
    assertThat(rb.stdout()).as(rb.toString()).isEqualTo(b.gateway().answer() + "\n");
    assertThat(a.gateway().requests()).containsExactly("GET http://upstream.test/from-a HTTP/1.1");
    assertThat(b.gateway().requests()).containsExactly("GET http://upstream.test/from-b HTTP/1.1");
  }

  @Test
  void cannotReplaceItsGatewaySocket() {
    Gated g =
        gated(
            """
            cd /run/corral
            rm -f egress.sock; echo rm=$?
            mv egress.sock moved.sock; echo mv=$?
            ln -sf /tmp/evil.sock egress.sock; echo ln=$?
            cd /; mv /run/corral /run/moved; echo mvdir=$?
            python3 -c 'import socket
            s = socket.socket(socket.AF_UNIX)
            try: s.bind("/run/corral/egress.sock"); print("bind=0")
            except OSError as e: print("bind", type(e).__name__)'
            """
                + FETCH
                + "http://upstream.test/still-mine");
    Run r = run(g.spec());
    assertThat(r.stdout())
        .as(r.toString())
        .doesNotContain("=0")
        .endsWith(g.gateway().answer() + "\n");
    assertThat(g.gateway().requests())
        .containsExactly("GET http://upstream.test/still-mine HTTP/1.1");
  }

  /**
   * Outside the workspace, a listener the sandbox binds is either refused (read-only system and
   * gateway directories) or lands on a private tmpfs that the host never sees. The workspace itself
   * is shared with the host by design, so a socket bound there is visible (see SECURITY.md).
   */
  @Test
  void cannotBindAListenerOnAHostPathOutsideTheWorkspace() {
    Gated g =
        gated(
            "for dir in / /etc /usr /run/corral /tmp \"$HOME\" /run /var/tmp; do"
                + " python3 -c 'import socket, sys\n"
                + "s = socket.socket(socket.AF_UNIX)\n"
                + "try: s.bind(sys.argv[1].rstrip(\"/\") + \"/agent.sock\"); print(\"bound\")\n"
                + "except OSError as e: print(\"refused\", e.errno)' \"$dir\"; done");
    Run r = run(g.spec());
    // 30 is EROFS.
    assertThat(r.stdout().lines().toList())
        .as(r.toString())
        .containsExactly(
            "refused 30",
            "refused 30",
            "refused 30",
            "refused 30",
            "bound",
            "bound",
            "bound",
            "bound");
    for (String dir : List.of("/tmp", "/run", "/var/tmp", System.getProperty("user.home"))) {
      assertThat(Path.of(dir, "agent.sock")).doesNotExist();
    }
  }
}
