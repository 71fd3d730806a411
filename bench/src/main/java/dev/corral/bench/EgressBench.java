package dev.corral.bench;

import dev.corral.core.SandboxId;
import dev.corral.egress.AddressCheck;
import dev.corral.egress.AuditSink;
import dev.corral.egress.EgressGateway;
import dev.corral.egress.EgressRule;
import dev.corral.egress.GatewaySettings;
import dev.corral.egress.JsonLinesAudit;
import dev.corral.egress.Listener;
import dev.corral.egress.OverrideResolver;
import dev.corral.egress.Policy;
import dev.corral.egress.RulePolicy;
import dev.corral.egress.SystemResolver;
import io.netty.channel.epoll.Epoll;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Measures Corral's egress gateway side by side with a direct connection, tinyproxy and squid, all
 * on loopback against a local nginx: bulk download throughput (curl), new CONNECT tunnels per
 * second (a Java client loop) and the latency small requests gain (sequential requests on new
 * connections). Starts nginx, tinyproxy and squid with configurations of its own in a temporary
 * directory and stops them at the end, also on failure. Prints the tables and writes them into
 * {@code docs/benchmarks.md}.
 */
public final class EgressBench {
  static final String HOST = "bench.test";
  static final String BIG = "/big";
  static final String TINY = "/tiny";
  private static final long TUNNEL_WARM_UP_MILLIS = 500;
  private static final int CURL_TIMEOUT_SECONDS = 300;

  private final EgressOptions options;
  private final Path dir;
  private final InetSocketAddress upstream;
  private final int httpsPort;

  private EgressBench(EgressOptions options, Path dir, InetSocketAddress upstream, int httpsPort) {
    this.options = options;
    this.dir = dir;
    this.upstream = upstream;
    this.httpsPort = httpsPort;
  }

  public static void main(String[] args) throws Exception {
    EgressOptions options = EgressOptions.parse(args);
    for (String tool : List.of("nginx", "tinyproxy", "squid", "curl", "openssl", "truncate")) {
      if (!onPath(tool)) {
        System.err.println(
            "bench/run-egress: "
                + tool
                + " not found; install nginx-light tinyproxy squid curl openssl (Debian)");
        System.exit(4);
      }
    }
    // Readable by squid's and nginx's unprivileged users; holds nothing secret.
    Path dir =
        Files.createTempDirectory(
            "corral-egress-bench-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    try {
      InetAddress upstreamHost = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
      EgressBench bench =
          new EgressBench(
              options,
              dir,
              new InetSocketAddress(upstreamHost, freePort(upstreamHost)),
              freePort(upstreamHost));
      String section = bench.run();
      System.out.println(section);
      if (options.write()) {
        BenchReport.write(
            options.output(), section, EgressReport.BEGIN, EgressReport.END, "## Egress\n\n");
        System.out.println("written to " + options.output());
      }
    } finally {
      deleteTree(dir);
    }
  }

  private String run() throws IOException, InterruptedException {
    prepareFiles();
    InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    InetSocketAddress tinyproxyAddress = new InetSocketAddress(loopback, freePort(loopback));
    InetSocketAddress squidAddress = new InetSocketAddress(loopback, freePort(loopback));
    InetSocketAddress tls = new InetSocketAddress(upstream.getAddress(), httpsPort);
    Path auditDir = dir.resolve("audit");
    try (Daemon nginx =
            Daemon.start(
                "nginx",
                List.of(
                    "nginx",
                    "-p",
                    dir.toString(),
                    "-c",
                    nginxConfig().toString(),
                    "-e",
                    dir.resolve("nginx-error.log").toString()),
                dir.resolve("nginx.out"),
                List.of(upstream, tls));
        Daemon tinyproxy =
            Daemon.start(
                "tinyproxy",
                List.of("tinyproxy", "-d", "-c", tinyproxyConfig(tinyproxyAddress).toString()),
                dir.resolve("tinyproxy.out"),
                List.of(tinyproxyAddress));
        Daemon squid =
            Daemon.start(
                "squid",
                List.of("squid", "-N", "-f", squidConfig(squidAddress).toString()),
                dir.resolve("squid.out"),
                List.of(squidAddress));
        AuditCloser audit = new AuditCloser(options.audit() ? auditDir : null);
        EgressGateway gateway =
            EgressGateway.start(
                OverrideResolver.parse(
                    List.of(HOST + "=" + upstream.getAddress().getHostAddress()),
                    new SystemResolver()),
                AddressCheck::refusal,
                audit.sink(),
                GatewaySettings.defaults())) {
      Policy policy =
          RulePolicy.of(
              List.of(
                  allow("private:" + HOST + ":" + upstream.getPort()),
                  allow("private:" + HOST + ":" + httpsPort)));
      Listener listener =
          gateway.openTcp(
              SandboxId.of("egress-bench"), new InetSocketAddress(loopback, 0), () -> policy);
      InetSocketAddress gw = (InetSocketAddress) listener.address();
      String direct = upstream.getAddress().getHostAddress();
      Route directRoute = new Route("d", "direct", Route.Mode.DIRECT, Optional.empty(), direct);
      Route gwHttp =
          new Route("g-http", "Corral gateway, HTTP proxy", Route.Mode.HTTP, Optional.of(gw), HOST);
      Route gwConnect =
          new Route(
              "g-connect", "Corral gateway, CONNECT", Route.Mode.CONNECT, Optional.of(gw), HOST);
      Route tpHttp =
          new Route(
              "t-http",
              "tinyproxy, HTTP proxy",
              Route.Mode.HTTP,
              Optional.of(tinyproxyAddress),
              direct);
      Route tpConnect =
          new Route(
              "t-connect",
              "tinyproxy, CONNECT",
              Route.Mode.CONNECT,
              Optional.of(tinyproxyAddress),
              direct);
      Route sqHttp =
          new Route(
              "s-http", "squid, HTTP proxy", Route.Mode.HTTP, Optional.of(squidAddress), direct);
      Route sqConnect =
          new Route(
              "s-connect", "squid, CONNECT", Route.Mode.CONNECT, Optional.of(squidAddress), direct);
      List<Route> all =
          List.of(directRoute, gwHttp, gwConnect, tpHttp, tpConnect, sqHttp, sqConnect);

      warmGateway(List.of(gwHttp, gwConnect));
      List<Bulk> bulk = new ArrayList<>();
      for (Route route : all) {
        bulk.add(new Bulk(route, false));
      }
      bulk.add(new Bulk(directRoute, true));
      bulk.add(new Bulk(gwConnect, true));
      List<Series> throughput = measureBulk(bulk);
      List<Series> tunnels = measureTunnels(List.of(directRoute, gwConnect, tpConnect, sqConnect));
      List<Series> latency = measureLatency(all);
      long tinySize = Files.size(dir.resolve("www/tiny"));
      return new EgressReport(throughput, tunnels, latency)
          .markdown(
              Machine.describe(),
              describeSetup(tinySize),
              options,
              Epoll.isAvailable() ? "epoll" : "NIO (epoll unavailable)");
    }
  }

  private static EgressRule allow(String text) {
    return EgressRule.parse(text, EgressRule.Action.ALLOW, "bench");
  }

  /** The JSON-lines audit (when on), closed after the gateway. */
  private static final class AuditCloser implements AutoCloseable {
    private final @Nullable JsonLinesAudit audit;

    AuditCloser(@Nullable Path dir) {
      this.audit = dir == null ? null : JsonLinesAudit.open(dir);
    }

    AuditSink sink() {
      return audit == null ? AuditSink.NONE : audit;
    }

    @Override
    public void close() {
      if (audit != null) {
        audit.close();
      }
    }
  }

  /** A bulk row: a route and whether the download is HTTPS (TLS end to end, through CONNECT). */
  private record Bulk(Route route, boolean https) {
    String key() {
      return route.key() + (https ? "-tls" : "");
    }

    String label() {
      String what = https ? "HTTPS (TLS by curl and nginx)" : "plain HTTP";
      return route.label() + (route.mode() == Route.Mode.CONNECT || https ? ", " + what : "");
    }
  }

  /** JIT warm-up of the gateway: small requests and one bulk download each way. */
  private void warmGateway(List<Route> routes) throws IOException, InterruptedException {
    System.err.println("egress bench: warming up the gateway...");
    for (int i = 0; i < 3000; i++) {
      routes.get(i % routes.size()).fetch(upstream, upstream.getPort(), TINY);
    }
  }

  private List<Series> measureBulk(List<Bulk> rows) throws InterruptedException {
    List<Series> series = new ArrayList<>();
    for (Bulk row : rows) {
      series.add(new Series(row.key(), row.label()));
    }
    // Round 0 warms up (page cache, JIT); the others are measured, one download per row in turn.
    for (int round = 0; round <= options.repetitions(); round++) {
      System.err.println("egress bench: bulk round " + round + " of " + options.repetitions());
      for (int i = 0; i < rows.size(); i++) {
        Series s = series.get(i);
        if (s.failed()) {
          continue;
        }
        Bulk row = rows.get(i);
        try {
          double speed =
              download(
                  row.route()
                      .curlArgs(row.https(), row.https() ? httpsPort : upstream.getPort(), BIG));
          if (round > 0) {
            s.add(speed);
          }
        } catch (IOException e) {
          s.fail(String.valueOf(e.getMessage()));
        }
      }
    }
    return series;
  }

  /** Runs curl and returns its average download speed in bytes per second. */
  private double download(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "-o", "/dev/null"));
    command.addAll(List.of("--max-time", String.valueOf(CURL_TIMEOUT_SECONDS)));
    command.addAll(List.of("-w", "%{speed_download} %{size_download} %{http_code}"));
    command.addAll(args);
    Process curl =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .start();
    try (InputStream out = curl.getInputStream()) {
      String text = new String(out.readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!curl.waitFor(CURL_TIMEOUT_SECONDS + 10, TimeUnit.SECONDS)) {
        throw new IOException("curl did not finish: " + String.join(" ", command));
      }
      String[] fields = text.split(" ", -1);
      long expected = options.sizeMib() * 1024L * 1024L;
      if (curl.exitValue() != 0
          || fields.length != 3
          || !fields[2].equals("200")
          || Long.parseLong(fields[1]) != expected) {
        throw new IOException(
            "curl " + String.join(" ", args) + " (exit " + curl.exitValue() + "): " + text);
      }
      return Double.parseDouble(fields[0]);
    } finally {
      curl.destroyForcibly();
    }
  }

  /** Tunnels per second: {@code clients} threads open tunnel after tunnel, each for a GET. */
  private List<Series> measureTunnels(List<Route> routes) throws InterruptedException {
    List<Series> series = new ArrayList<>();
    for (Route route : routes) {
      series.add(new Series(route.key(), route.label()));
    }
    for (int round = 0; round < options.tunnelRounds(); round++) {
      System.err.println("egress bench: tunnel round " + (round + 1));
      for (int i = 0; i < routes.size(); i++) {
        Series s = series.get(i);
        if (!s.failed()) {
          tunnelRound(routes.get(i), s);
        }
      }
    }
    return series;
  }

  /**
   * One round of one route in a separate JVM ({@link TunnelClient}), so that the client threads
   * share neither heap, GC nor JIT with the gateway in this JVM; the same for every route.
   */
  private void tunnelRound(Route route, Series series) throws InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseSerialGC");
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(TunnelClient.class.getName());
    command.add(route.mode().name());
    command.add(
        route.proxy().map(p -> p.getAddress().getHostAddress() + ":" + p.getPort()).orElse("-"));
    command.add(route.host());
    command.add(upstream.getAddress().getHostAddress());
    command.add(String.valueOf(upstream.getPort()));
    command.add(TINY);
    command.add(String.valueOf(options.tunnelSeconds()));
    command.add(String.valueOf(options.clients()));
    command.add(String.valueOf(TUNNEL_WARM_UP_MILLIS));
    String answer;
    Process client;
    try {
      client = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    } catch (IOException e) {
      series.fail("cannot start the tunnel client: " + e.getMessage());
      return;
    }
    try (InputStream out = client.getInputStream()) {
      answer = new String(out.readAllBytes(), StandardCharsets.UTF_8).strip();
      client.waitFor();
    } catch (IOException e) {
      series.fail("tunnel client: " + e.getMessage());
      return;
    } finally {
      client.destroyForcibly();
    }
    // The answer is the last line of stdout (a JVM may print notes before it).
    answer = answer.substring(answer.lastIndexOf('\n') + 1);
    String[] fields = answer.split(" ", 3);
    if (fields.length == 3 && fields[0].equals("ok")) {
      series.add(Long.parseLong(fields[1]) / (Long.parseLong(fields[2]) / 1e9));
    } else {
      series.fail(answer.startsWith("fail ") ? answer.substring(5) : "tunnel client: " + answer);
    }
  }

  /** Sequential small requests on new connections, interleaved in blocks across routes. */
  private List<Series> measureLatency(List<Route> routes) {
    System.err.println("egress bench: latency");
    List<Series> series = new ArrayList<>();
    for (Route route : routes) {
      series.add(new Series(route.key(), route.label()));
    }
    int block = 100;
    int warmup = 200;
    for (int done = -warmup; done < options.requests(); done += block) {
      for (int i = 0; i < routes.size(); i++) {
        Series s = series.get(i);
        if (s.failed()) {
          continue;
        }
        try {
          for (int n = 0; n < block; n++) {
            long start = System.nanoTime();
            routes.get(i).fetch(upstream, upstream.getPort(), TINY);
            if (done >= 0) {
              s.add((double) (System.nanoTime() - start));
            }
          }
        } catch (IOException e) {
          s.fail(String.valueOf(e.getMessage()));
        }
      }
    }
    return series;
  }

  private void prepareFiles() throws IOException, InterruptedException {
    Path www = Files.createDirectories(dir.resolve("www"));
    // A sparse file: nginx serves it from the page cache, so the disk does not limit the rows.
    runChecked(List.of("truncate", "-s", options.sizeMib() + "M", www.resolve("big").toString()));
    Files.writeString(www.resolve("tiny"), "corral egress bench: a small response body\n");
    runChecked(
        List.of(
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=" + HOST,
            "-keyout",
            dir.resolve("key.pem").toString(),
            "-out",
            dir.resolve("cert.pem").toString()));
  }

  private Path nginxConfig() throws IOException {
    String address = upstream.getAddress().getHostAddress();
    String config =
        String.join(
            "\n",
            "user root;",
            "worker_processes 1;",
            "daemon off;",
            "pid " + dir.resolve("nginx.pid") + ";",
            "error_log " + dir.resolve("nginx-error.log") + " warn;",
            "events { worker_connections 4096; }",
            "http {",
            "  access_log off;",
            "  sendfile on;",
            "  tcp_nopush on;",
            "  keepalive_requests 100000;",
            "  default_type application/octet-stream;",
            "  server { listen "
                + address
                + ":"
                + upstream.getPort()
                + "; root "
                + dir.resolve("www")
                + "; }",
            "  server {",
            "    listen " + address + ":" + httpsPort + " ssl;",
            "    ssl_certificate " + dir.resolve("cert.pem") + ";",
            "    ssl_certificate_key " + dir.resolve("key.pem") + ";",
            "    root " + dir.resolve("www") + ";",
            "  }",
            "}",
            "");
    return write("nginx.conf", config);
  }

  private Path tinyproxyConfig(InetSocketAddress at) throws IOException {
    String config =
        String.join(
            "\n",
            "Port " + at.getPort(),
            "Listen " + at.getAddress().getHostAddress(),
            "Timeout 600",
            "MaxClients 1000",
            "Allow 127.0.0.1",
            "LogLevel Error",
            "PidFile \"" + dir.resolve("tinyproxy.pid") + "\"",
            "ConnectPort " + upstream.getPort(),
            "ConnectPort " + httpsPort,
            "DisableViaHeader Yes",
            "");
    return write("tinyproxy.conf", config);
  }

  private Path squidConfig(InetSocketAddress at) throws IOException {
    // Squid drops to its own user: give it a world-writable directory for its pid and log.
    Path squidDir = Files.createDirectories(dir.resolve("squid"));
    Files.setPosixFilePermissions(squidDir, PosixFilePermissions.fromString("rwxrwxrwx"));
    String config =
        String.join(
            "\n",
            "http_port " + at.getAddress().getHostAddress() + ":" + at.getPort(),
            "pid_filename " + squidDir.resolve("squid.pid"),
            "cache deny all",
            "cache_mem 0 MB",
            "access_log none",
            "cache_store_log none",
            "cache_log " + squidDir.resolve("cache.log"),
            "coredump_dir " + squidDir,
            "pinger_enable off",
            // Every destination is an IP literal; keep any lookup on this machine anyway.
            "dns_nameservers 127.0.0.1",
            "acl bench_ports port " + upstream.getPort() + " " + httpsPort,
            "http_access deny CONNECT !bench_ports",
            "http_access allow localhost",
            "http_access deny all",
            "via off",
            "forwarded_for delete",
            "shutdown_lifetime 0 seconds",
            "");
    return write("squid.conf", config);
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private String describeSetup(long tinySize) {
    return String.join(
        "; ",
        firstLine("nginx", "-v") + " (1 worker, sendfile) on 127.0.0.2",
        firstLine("tinyproxy", "-v"),
        firstLine("squid", "-v") + " (no cache)",
        firstLine("curl", "--version").replaceFirst(" \\(.*", ""),
        "bulk file " + options.sizeMib() + " MiB, small file " + tinySize + " B");
  }

  private static String firstLine(String... command) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectErrorStream(true)
              .start();
      try (InputStream in = p.getInputStream()) {
        String out = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor(10, TimeUnit.SECONDS);
        int nl = out.indexOf('\n');
        return (nl < 0 ? out : out.substring(0, nl)).replace("nginx version: ", "");
      } finally {
        p.destroyForcibly();
      }
    } catch (IOException e) {
      return command[0] + " (version unknown)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return command[0] + " (version unknown)";
    }
  }

  private static void runChecked(List<String> command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .start();
    try (InputStream in = p.getInputStream()) {
      String out = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out);
      }
    } finally {
      p.destroyForcibly();
    }
  }

  private static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    for (String d : path.split(":", -1)) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return Files.isExecutable(Path.of("/usr/sbin", tool));
  }

  private static int freePort(InetAddress address) throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, address)) {
      return socket.getLocalPort();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
