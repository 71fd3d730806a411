package dev.corral.egress;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** The local upstream servers: plain HTTP on 127.0.0.2, TLS on 127.0.0.3:443. */
final class Upstreams implements AutoCloseable {
  static final char[] PASSWORD = "changeit".toCharArray();

  /** Size of the body of {@code /big}. */
  static final int BIG = 64 * 1024 * 1024;

  final HttpServer http;

  /** Bytes of {@code /big} bodies the server has handed to the kernel so far. */
  final AtomicLong bigWritten = new AtomicLong();

  final SSLServerSocket tls;
  final SSLContext clientTls;
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

  Upstreams(Path dir) throws Exception {
    http = HttpServer.create(new InetSocketAddress(Doubles.HTTP_UPSTREAM, 0), 50);
    http.createContext(
        "/",
        exchange -> {
          byte[] body =
              ("hello "
                      + exchange.getRequestURI()
                      + " host="
                      + exchange.getRequestHeaders().getFirst("Host")
                      + " proxy-auth="
                      + exchange.getRequestHeaders().containsKey("Proxy-Authorization"))
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    http.createContext(
        "/big",
        exchange -> {
          exchange.sendResponseHeaders(200, BIG);
          byte[] chunk = new byte[64 * 1024];
          try (OutputStream out = exchange.getResponseBody()) {
            for (int sent = 0; sent < BIG; sent += chunk.length) {
              out.write(chunk);
              bigWritten.addAndGet(chunk.length);
            }
          }
        });
    http.setExecutor(threads);
    http.start();
    KeyStore store = selfSigned(dir);
    SSLContext server = SSLContext.getInstance("TLS");
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, PASSWORD);
    server.init(keys.getKeyManagers(), null, null);
    tls = (SSLServerSocket) server.getServerSocketFactory().createServerSocket();
    tls.bind(new InetSocketAddress(Doubles.TLS_UPSTREAM, Tunnel.TLS_PORT));
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    clientTls = SSLContext.getInstance("TLS");
    clientTls.init(null, trust.getTrustManagers(), null);
    threads.execute(this::serveTls);
  }

  int httpPort() {
    return http.getAddress().getPort();
  }

  private void serveTls() {
    while (!tls.isClosed()) {
      try {
        SSLSocket socket = (SSLSocket) tls.accept();
        threads.execute(() -> answerTls(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void answerTls(SSLSocket socket) {
    try (socket) {
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String line = in.readLine();
      socket.getOutputStream().write(("tls says " + line + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException ignored) {
      // The client went away (e.g. the gateway refused the tunnel).
    }
  }

  /** Talks TLS to tls.test through an established tunnel on {@code socket}. */
  String tlsRoundTrip(Socket socket, String sni) throws IOException {
    SSLSocket ssl =
        (SSLSocket) clientTls.getSocketFactory().createSocket(socket, sni, Tunnel.TLS_PORT, true);
    ssl.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
    return new BufferedReader(new InputStreamReader(ssl.getInputStream(), StandardCharsets.UTF_8))
        .readLine();
  }

  private static KeyStore selfSigned(Path dir) throws Exception {
    Path file = dir.resolve("tls.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-keystore",
                file.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                new String(PASSWORD),
                "-alias",
                "tls",
                "-keyalg",
                "EC",
                "-dname",
                "CN=tls.test",
                "-ext",
                "SAN=dns:tls.test,dns:fronted.test",
                "-validity",
                "2")
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (keytool.waitFor() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(file)) {
      store.load(in, PASSWORD);
    }
    return store;
  }

  @Override
  public void close() throws IOException {
    http.stop(0);
    tls.close();
    threads.shutdownNow();
  }
}
