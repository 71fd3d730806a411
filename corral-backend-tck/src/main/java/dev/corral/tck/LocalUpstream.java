package dev.corral.tck;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server on {@code 127.0.0.2} that a sandbox must reach only through its gateway. It
 * answers every request with {@code 200} and the body {@code upstream}, and counts the connections
 * it accepted, so a test can prove that a direct attempt never arrived.
 */
final class LocalUpstream implements AutoCloseable {
  static final String BODY = "upstream";

  private final ServerSocket server;
  private final AtomicInteger connections = new AtomicInteger();

  private LocalUpstream(ServerSocket server) {
    this.server = server;
  }

  static LocalUpstream start() throws IOException {
    ServerSocket server =
        new ServerSocket(0, 50, InetAddress.getByAddress(new byte[] {127, 0, 0, 2}));
    LocalUpstream upstream = new LocalUpstream(server);
    Thread.ofVirtual().name("local-upstream").start(upstream::acceptLoop);
    return upstream;
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  int port() {
    return server.getLocalPort();
  }

  /** How many connections reached this server. */
  int connections() {
    return connections.get();
  }

  private void acceptLoop() {
    while (true) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        return;
      }
      connections.incrementAndGet();
      Thread.ofVirtual().start(() -> answer(socket));
    }
  }

  private static void answer(Socket socket) {
    try (socket) {
      socket.setSoTimeout(10_000);
      InputStream in = socket.getInputStream();
      int matched = 0;
      byte[] end = {'\r', '\n', '\r', '\n'};
      while (matched < end.length) {
        int b = in.read();
        if (b < 0) {
          return;
        }
        matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      OutputStream out = socket.getOutputStream();
      out.write(
          ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                  + BODY.length()
                  + "\r\nConnection: close\r\n\r\n"
                  + BODY)
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    } catch (IOException e) {
      // the client went away
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
