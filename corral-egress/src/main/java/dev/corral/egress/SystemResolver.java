package dev.corral.egress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Resolves through the JDK ({@link InetAddress#getAllByName}): the host's resolver configuration
 * and the JDK's name cache. Blocks, except for IP literals ({@link #resolveNow}); thread-safe.
 */
public final class SystemResolver implements Resolver {
  private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  /**
   * A dotted-quad IPv4 or an IPv6 literal as itself (what {@link InetAddress#getAllByName} returns
   * for it without a lookup); every other form, names included, is left to {@link #resolve}.
   */
  @Override
  public Optional<List<InetAddress>> resolveNow(String host) {
    if (host.indexOf(':') < 0 && !DOTTED_QUAD.matcher(host).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(List.of(InetAddress.ofLiteral(host)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  @Override
  public List<InetAddress> resolve(String host) throws UnknownHostException {
    return List.of(InetAddress.getAllByName(host));
  }
}
