package dev.corral.tck;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for one sandbox's egress gateway listener, in plain JDK: a UNIX-domain server that
 * reads one HTTP request head per connection and either answers it with {@code 200} and the body
 * {@code gateway for NAME}, or, for {@code CONNECT}, relays bytes to one fixed upstream whatever
 * the request names. It records every request line, so a test can tell whose requests reached it.
 *
 * <p>{@link #close()} kills it the way a crashed gateway dies: the listener and every open
 * connection are closed at once, and the socket file stays behind. Thread-safe; one virtual thread
 * per connection.
 */
final class StandInGateway implements AutoCloseable {
  private static final int MAX_HEAD = 8192;

  private final String name;
  private final InetSocketAddress upstream;
  private final ServerSocketChannel server;
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
  private final List<String> requests = new CopyOnWriteArrayList<>();

  private StandInGateway(String name, InetSocketAddress upstream, ServerSocketChannel server) {
    this.name = name;
    this.upstream = upstream;
    this.server = server;
  }

  /** Listens on {@code socket} (which must not exist) and serves until closed. */
  static StandInGateway start(String name, Path socket, InetSocketAddress upstream)
      throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    StandInGateway gateway = new StandInGateway(name, upstream, server);
    Thread.ofVirtual().name("stand-in-gateway-" + name).start(gateway::acceptLoop);
    return gateway;
  }

  /** The request lines received so far, in order. */
  List<String> requests() {
    return List.copyOf(requests);
  }

  /** The body of the answer to a plain HTTP request. */
  String answer() {
    return "gateway for " + name;
  }

  private void acceptLoop() {
    while (true) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed: the gateway is dead
      }
      open.add(client);
      Thread.ofVirtual().start(() -> serve(client));
    }
  }

  private void serve(SocketChannel client) {
    try (client) {
      // A request is recorded once it has been answered, so a test that waits for it can kill
      // the gateway without racing the answer.
      String line = readHead(client).lines().findFirst().orElse("");
      if (line.startsWith("CONNECT ")) {
        relay(client, line);
      } else {
        String body = answer();
        write(
            client,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                + body.length()
                + "\r\nConnection: close\r\n\r\n"
                + body);
        requests.add(line);
      }
    } catch (IOException e) {
      // the client went away, or the gateway was killed
    } finally {
      open.remove(client);
    }
  }

  private void relay(SocketChannel client, String line) throws IOException {
    try (SocketChannel up = SocketChannel.open(upstream)) {
      open.add(up);
      write(client, "HTTP/1.1 200 Connection established\r\n\r\n");
      requests.add(line);
      Thread.ofVirtual().start(() -> copy(client, up));
      copy(up, client);
    }
  }

  private static void copy(SocketChannel from, SocketChannel to) {
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    try (from;
        to) {
      while (from.read(buffer) >= 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          to.write(buffer);
        }
        buffer.clear();
      }
    } catch (IOException e) {
      // one side closed: closing both ends the tunnel
    }
  }

  /** Reads byte by byte up to the blank line, so nothing after the head is consumed. */
  private static String readHead(SocketChannel channel) throws IOException {
    StringBuilder head = new StringBuilder();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (head.length() < MAX_HEAD && !head.toString().endsWith("\r\n\r\n")) {
      one.clear();
      if (channel.read(one) < 0) {
        throw new ClosedChannelException();
      }
      head.append((char) (one.get(0) & 0xff));
    }
    return head.toString();
  }

  private static void write(SocketChannel channel, String text) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /** Kills the gateway: the listener and every open connection, at once. */
  @Override
  public void close() throws IOException {
    server.close();
    for (SocketChannel channel : open) {
      channel.close();
    }
  }
}
