package dev.corral.egress;

import java.net.InetAddress;
import java.util.Optional;
import java.util.regex.Pattern;

/** The shapes of hosts in rules and requests: names, wildcards and IP literals. Stateless. */
final class HostNames {

  private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");
  private static final Pattern NUMERIC = Pattern.compile("(0x[0-9a-f]*|[0-9]+)");

  private HostNames() {}

  /**
   * The canonical text of {@code host} if it is an IP literal ({@code 10.0.0.1}, {@code ::1},
   * {@code [::1]}); an IPv4-mapped IPv6 literal canonicalises to its IPv4 address.
   */
  static Optional<String> canonicalAddress(String host) {
    String bare =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (bare.indexOf(':') < 0 && !looksNumeric(bare)) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.ofLiteral(bare).getHostAddress());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Whether a rule's host pattern is an IP literal (kept in canonical form). */
  static boolean isAddress(String pattern) {
    return pattern.indexOf(':') >= 0 || looksNumeric(pattern);
  }

  /**
   * Whether the last label is numeric: no real name ends that way, but resolvers read such names as
   * addresses ({@code 2130706433} is 127.0.0.1), so they are never treated as names.
   */
  static boolean looksNumeric(String host) {
    String last = host.substring(host.lastIndexOf('.') + 1);
    return NUMERIC.matcher(last).matches();
  }

  /** Why {@code name} (lower-case, no wildcard) is not a valid host name; empty when valid. */
  static Optional<String> nameProblem(String name) {
    if (name.isEmpty()) {
      return Optional.of("the host is empty");
    }
    if (name.length() > 253) {
      return Optional.of("the host is longer than 253 characters");
    }
    for (String label : name.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return Optional.of(
            label.isEmpty()
                ? "the host has an empty label"
                : "\"" + label + "\" is not a valid host name label (letters, digits, '-', '_')");
      }
    }
    return looksNumeric(name)
        ? Optional.of("\"" + name + "\" is neither a host name nor an IP address")
        : Optional.empty();
  }
}
