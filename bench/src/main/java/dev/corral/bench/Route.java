package dev.corral.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One way to reach the upstream in the egress benchmark: directly, through a proxy as an HTTP
 * forward proxy (absolute-URI requests), or through a proxy's CONNECT tunnel.
 *
 * @param key the row key in the tables, e.g. {@code "g-http"}
 * @param label what the row is, for people
 * @param mode how requests travel
 * @param proxy the proxy; empty for {@link Mode#DIRECT}
 * @param host the upstream host name the client asks for ({@code bench.test} for the gateway, the
 *     address itself for the others)
 */
record Route(String key, String label, Mode mode, Optional<InetSocketAddress> proxy, String host) {
  private static final int TIMEOUT_MILLIS = 10_000;

  enum Mode {
    DIRECT,
    HTTP,
    CONNECT
  }

  Route {
    if ((mode == Mode.DIRECT) != proxy.isEmpty()) {
      throw new IllegalArgumentException("a direct route has no proxy, the others need one");
    }
  }

  /**
   * The curl options for a download of {@code path} on {@code port} ({@code https} for TLS through
   * the route): the URL and, for proxied routes, {@code -x} (and {@code -p} for CONNECT of plain
   * HTTP).
   */
  List<String> curlArgs(boolean https, int port, String path) {
    List<String> args = new ArrayList<>();
    if (https) {
      args.add("-k");
    }
    proxy.ifPresentOrElse(
        p -> {
          if (mode == Mode.CONNECT && !https) {
            args.add("-p");
          }
          args.add("-x");
          args.add("http://" + p.getHostString() + ":" + p.getPort());
        },
        () -> {
          args.add("--noproxy");
          args.add("*");
        });
    args.add((https ? "https://" : "http://") + host + ":" + port + path);
    return args;
  }

  /**
   * One small request on a new connection: (CONNECT and) {@code GET path} with {@code Connection:
   * close}, reading the response to its end.
   *
   * @throws IOException if the connection fails or the answer is not a 200
   */
  void fetch(InetSocketAddress upstream, int port, String path) throws IOException {
    try (Socket socket = new Socket()) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      socket.connect(proxy.orElse(upstream), TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
      String authority = host + ":" + port;
      String target = path;
      if (mode == Mode.CONNECT) {
        out.write(ascii("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n"));
        out.flush();
        String head = readHead(in);
        if (!head.startsWith("HTTP/1.1 200") && !head.startsWith("HTTP/1.0 200")) {
          throw new IOException(label + ": CONNECT answered " + firstLine(head));
        }
      } else if (mode == Mode.HTTP) {
        target = "http://" + authority + path;
      }
      out.write(
          ascii(
              "GET "
                  + target
                  + " HTTP/1.1\r\nHost: "
                  + authority
                  + "\r\nUser-Agent: corral-bench\r\nConnection: close\r\n\r\n"));
      out.flush();
      ByteArrayOutputStream response = new ByteArrayOutputStream(512);
      in.transferTo(response);
      String text = response.toString(StandardCharsets.ISO_8859_1);
      if (!text.startsWith("HTTP/1.1 200") && !text.startsWith("HTTP/1.0 200")) {
        throw new IOException(label + ": GET answered " + firstLine(text));
      }
    }
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (head.length() < 16_384) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed in the response head: " + firstLine(head));
      }
      head.append((char) b);
      int n = head.length();
      if (n >= 4 && head.charAt(n - 1) == '\n' && head.lastIndexOf("\r\n\r\n") == n - 4) {
        return head.toString();
      }
    }
    throw new IOException("response head too long");
  }

  private static String firstLine(CharSequence text) {
    String s = text.toString();
    int end = s.indexOf('\r');
    return s.isEmpty() ? "(nothing)" : end < 0 ? s : s.substring(0, end);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
