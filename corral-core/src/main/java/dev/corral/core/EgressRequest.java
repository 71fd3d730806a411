package dev.corral.core;

import java.util.Locale;
import java.util.Optional;

/**
 * One attempt of a sandbox to reach the network, as the egress gateway sees it before it connects.
 *
 * @param sandbox the sandbox whose listener received the request
 * @param protocol how the sandbox asked
 * @param host the host name (lower-cased, no trailing dot) or IP literal the sandbox asked for
 * @param port the destination port
 * @param method the HTTP method, for plain HTTP requests only
 * @param path the request path (without query), for plain HTTP requests only
 */
public record EgressRequest(
    SandboxId sandbox,
    Protocol protocol,
    String host,
    int port,
    Optional<String> method,
    Optional<String> path) {

  /** The ways a sandbox can ask the gateway for a connection. */
  public enum Protocol {
    /** An absolute-URI HTTP/1.1 request through the forward proxy. */
    HTTP,
    /** An HTTP CONNECT tunnel. */
    CONNECT,
    /** A SOCKS5 CONNECT. */
    SOCKS5
  }

  public EgressRequest {
    host = host.toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (host.isEmpty()) {
      throw new UsageException("empty host in egress request");
    }
    if (port < 1 || port > 65535) {
      throw new UsageException("invalid port " + port + " for " + host);
    }
  }

  /** A tunnel or SOCKS request: no method or path is known. */
  public static EgressRequest connect(SandboxId sandbox, Protocol protocol, String host, int port) {
    return new EgressRequest(sandbox, protocol, host, port, Optional.empty(), Optional.empty());
  }
}
