package dev.corral.egress;

import dev.corral.core.UsageException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Answers fixed addresses for exact host names and asks a delegate for every other name: for tests
 * (test names mapped to 127.0.0.x) and for users' internal hosts. Names are matched exactly and
 * case-insensitively; there are no wildcard overrides. Immutable and thread-safe.
 */
public final class OverrideResolver implements Resolver {

  private final Map<String, List<InetAddress>> overrides;
  private final Resolver delegate;

  /**
   * @param overrides host name to its addresses, best first
   * @param delegate resolves every name without an override
   */
  public OverrideResolver(Map<String, List<InetAddress>> overrides, Resolver delegate) {
    Map<String, List<InetAddress>> copy = new LinkedHashMap<>();
    overrides.forEach((host, addresses) -> copy.put(normal(host), List.copyOf(addresses)));
    this.overrides = Map.copyOf(copy);
    this.delegate = delegate;
  }

  /**
   * Parses entries of the form {@code HOST=ADDRESS[,ADDRESS...]}, e.g. {@code
   * git.internal=10.0.0.5} or {@code test.local=127.0.0.2,::1}; a host named twice keeps all its
   * addresses in order.
   *
   * @throws UsageException naming the entry and the expected form
   */
  public static OverrideResolver parse(List<String> entries, Resolver delegate) {
    Map<String, List<InetAddress>> overrides = new LinkedHashMap<>();
    for (String entry : entries) {
      int equals = entry.indexOf('=');
      String host = equals < 0 ? "" : normal(entry.substring(0, equals).strip());
      if (host.isEmpty() || HostNames.nameProblem(host).isPresent()) {
        throw invalid(entry, "expected HOST=ADDRESS");
      }
      List<InetAddress> addresses = overrides.computeIfAbsent(host, h -> new ArrayList<>());
      for (String address : entry.substring(equals + 1).split(",", -1)) {
        addresses.add(address(entry, address.strip()));
      }
    }
    return new OverrideResolver(overrides, delegate);
  }

  @Override
  public List<InetAddress> resolve(String host) throws UnknownHostException {
    List<InetAddress> fixed = overrides.get(normal(host));
    return fixed != null ? fixed : delegate.resolve(host);
  }

  @Override
  public Optional<List<InetAddress>> resolveNow(String host) {
    List<InetAddress> fixed = overrides.get(normal(host));
    return fixed != null ? Optional.of(fixed) : delegate.resolveNow(host);
  }

  private static InetAddress address(String entry, String text) {
    String bare =
        text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    try {
      return InetAddress.ofLiteral(bare);
    } catch (IllegalArgumentException e) {
      throw invalid(entry, "\"" + text + "\" is not an IP address");
    }
  }

  private static String normal(String host) {
    String lower = host.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }

  private static UsageException invalid(String entry, String problem) {
    return new UsageException(
        "invalid resolver override \"" + entry + "\": " + problem,
        "write HOST=ADDRESS[,ADDRESS...], e.g. \"git.internal=10.0.0.5\"");
  }
}
