package dev.corral.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Resolves host names for the gateway (never the sandbox). May block; the gateway calls it off its
 * event loops. Implementations are thread-safe.
 */
public interface Resolver {
  /** The addresses of {@code host}, best first; an IP literal resolves to itself. */
  List<InetAddress> resolve(String host) throws UnknownHostException;
}
