package dev.corral.egress;

import dev.corral.core.UsageException;
import java.time.Duration;

/**
 * Tunables of an {@link EgressGateway}. Use {@link #defaults()} and the {@code with*} methods.
 *
 * @param headTimeout how long a client may take to send a request head (slowloris guard)
 * @param idleTimeout how long a connection or tunnel may stay without traffic either way
 * @param connectTimeout how long connecting to a destination may take
 * @param maxConnectionsPerSandbox concurrent client connections per sandbox; beyond it requests are
 *     refused (HTTP 429, SOCKS general failure)
 * @param nativeTransport use epoll when available; {@code false} forces NIO
 */
public record GatewaySettings(
    Duration headTimeout,
    Duration idleTimeout,
    Duration connectTimeout,
    int maxConnectionsPerSandbox,
    boolean nativeTransport) {

  public GatewaySettings {
    requirePositive(headTimeout, "head timeout");
    requirePositive(idleTimeout, "idle timeout");
    requirePositive(connectTimeout, "connect timeout");
    if (maxConnectionsPerSandbox < 1) {
      throw new UsageException(
          "invalid egress connection limit " + maxConnectionsPerSandbox + ": use 1 or more");
    }
  }

  /** 30 s head, 5 min idle, 10 s connect, 256 connections per sandbox, epoll when available. */
  public static GatewaySettings defaults() {
    return new GatewaySettings(
        Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(10), 256, true);
  }

  public GatewaySettings withHeadTimeout(Duration timeout) {
    return new GatewaySettings(
        timeout, idleTimeout, connectTimeout, maxConnectionsPerSandbox, nativeTransport);
  }

  public GatewaySettings withIdleTimeout(Duration timeout) {
    return new GatewaySettings(
        headTimeout, timeout, connectTimeout, maxConnectionsPerSandbox, nativeTransport);
  }

  public GatewaySettings withMaxConnectionsPerSandbox(int limit) {
    return new GatewaySettings(headTimeout, idleTimeout, connectTimeout, limit, nativeTransport);
  }

  public GatewaySettings withNativeTransport(boolean enabled) {
    return new GatewaySettings(
        headTimeout, idleTimeout, connectTimeout, maxConnectionsPerSandbox, enabled);
  }

  private static void requirePositive(Duration duration, String what) {
    if (duration.isNegative() || duration.isZero()) {
      throw new UsageException("invalid egress " + what + " " + duration + ": must be positive");
    }
  }
}
