package dev.corral.egress;

import java.util.Optional;

/** A {@code host:port} pair as written in a CONNECT line ({@code [v6]:port} for IPv6). */
record Authority(String host, int port) {

  static Optional<Authority> parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      return Optional.empty();
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":") || host.contains("[")) {
      return Optional.empty();
    }
    if (host.isEmpty() || !host.chars().allMatch(Authority::hostChar)) {
      return Optional.empty();
    }
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      return port >= 1 && port <= 65535 ? Optional.of(new Authority(host, port)) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The host as it goes into a {@code Host} header or URL: IPv6 literals in brackets. */
  static String hostForUrl(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  private static boolean hostChar(int c) {
    return Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_' || c == ':';
  }
}
