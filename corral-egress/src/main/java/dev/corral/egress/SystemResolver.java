package dev.corral.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Resolves through the JDK ({@link InetAddress#getAllByName}): the host's resolver configuration
 * and the JDK's name cache. Blocks; thread-safe.
 */
public final class SystemResolver implements Resolver {

  @Override
  public List<InetAddress> resolve(String host) throws UnknownHostException {
    return List.of(InetAddress.getAllByName(host));
  }
}
