package dev.corral.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Resolves host names for the gateway (never the sandbox). {@link #resolve} may block; the gateway
 * calls it off its event loops. Implementations are thread-safe.
 */
public interface Resolver {
  /** The addresses of {@code host}, best first; an IP literal resolves to itself. */
  List<InetAddress> resolve(String host) throws UnknownHostException;

  /**
   * The addresses {@link #resolve} would return for {@code host} if they are known without blocking
   * or I/O (a fixed override, an IP literal), otherwise empty. The gateway calls this on its event
   * loops first and hands only the names it leaves open to {@link #resolve} on another thread. Must
   * not block; the default knows nothing.
   */
  default Optional<List<InetAddress>> resolveNow(String host) {
    return Optional.empty();
  }
}
