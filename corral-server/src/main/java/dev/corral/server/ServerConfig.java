package dev.corral.server;

import dev.corral.core.UsageException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * How a server listens and where it keeps its files.
 *
 * @param host the address to bind; loopback unless {@code insecureListen}
 * @param port the port; 0 picks a free one
 * @param insecureListen allow a non-loopback bind without TLS (the API carries bearer tokens)
 * @param dataDir the store, the token file and every task's files live here
 * @param concurrency how many tasks run at once; the rest wait in a FIFO queue
 * @param maxBodyBytes largest accepted request body; larger ones get 413
 */
public record ServerConfig(
    String host,
    int port,
    boolean insecureListen,
    Path dataDir,
    int concurrency,
    long maxBodyBytes) {

  public static final int DEFAULT_PORT = 7777;
  public static final long DEFAULT_MAX_BODY = 1024 * 1024;

  public ServerConfig {
    if (port < 0 || port > 65535) {
      throw new UsageException("invalid port " + port, "use --listen HOST:PORT with 0-65535");
    }
    if (concurrency < 1 || concurrency > 1024) {
      throw new UsageException(
          "invalid task concurrency " + concurrency, "use --concurrency with 1 to 1024");
    }
    if (!insecureListen && !loopback(host)) {
      throw new UsageException(
          "refusing to listen on "
              + host
              + ": it is not a loopback address, and Corral serves plain HTTP (no TLS yet), so"
              + " bearer tokens would cross the network in clear text",
          "listen on 127.0.0.1 and put a TLS-terminating proxy in front, or pass"
              + " --insecure-listen if the network is trusted");
    }
  }

  /** A loopback server on {@code port} with default limits. */
  public static ServerConfig loopback(Path dataDir, int port, int concurrency) {
    return new ServerConfig("127.0.0.1", port, false, dataDir, concurrency, DEFAULT_MAX_BODY);
  }

  static boolean loopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new UsageException(
          "cannot resolve listen address '" + host + "'", "use an IP address, e.g. 127.0.0.1");
    }
  }
}
