package dev.corral.egress;

import dev.corral.core.EgressRequest;
import dev.corral.egress.EgressRule.Action;
import dev.corral.egress.EgressRule.HttpScope;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/** How one {@link EgressRule} is compared with one {@link EgressRequest}. Stateless. */
final class RuleMatcher {

  private RuleMatcher() {}

  /**
   * Whether {@code pattern} (exact name, {@code *.suffix} or canonical IP literal) matches {@code
   * host}. Names never match IP literals: an address is reachable only when a rule names it.
   */
  static boolean hostMatches(String pattern, String host) {
    Optional<String> address = HostNames.canonicalAddress(host);
    if (HostNames.isAddress(pattern) || address.isPresent() || HostNames.looksNumeric(host)) {
      return address.isPresent() && address.get().equals(pattern);
    }
    if (pattern.startsWith("*.")) {
      // "*.example.com" matches any depth of subdomain but not the apex "example.com".
      return host.endsWith(pattern.substring(1)) && host.length() > pattern.length() - 1;
    }
    return host.equals(pattern);
  }

  /** Why {@code rule}, whose host matches, still does not apply to {@code request}. */
  static Optional<String> mismatch(EgressRule rule, EgressRequest request) {
    if (!rule.anyPort() && !rule.ports().contains(request.port())) {
      return Optional.of(
          "port " + request.port() + " is not covered (the rule covers " + rule.portsText() + ")");
    }
    HttpScope http = rule.http();
    if (!http.restricts()) {
      return Optional.empty();
    }
    if (EgressRule.tunnel(request)) {
      return Optional.of(
          "methods and paths apply to plain HTTP only: the gateway cannot see inside a "
              + request.protocol()
              + " tunnel");
    }
    boolean deny = rule.action() == Action.DENY;
    Optional<String> method = methodMismatch(http, request, deny);
    return method.isPresent() ? method : pathMismatch(http, request, deny);
  }

  /** Why a matching rule applies, for explanations. */
  static String matchReason(EgressRule rule, EgressRequest request) {
    StringBuilder why = new StringBuilder("host ").append(request.host());
    why.append(rule.host().equals(request.host()) ? " is " : " matches ").append(rule.host());
    why.append(", port ").append(request.port());
    why.append(rule.anyPort() ? " (any port)" : " in " + rule.portsText());
    HttpScope http = rule.http();
    if (!http.methods().isEmpty()) {
      why.append(", method ").append(request.method().orElse("(unknown)"));
      why.append(" in ").append(String.join(",", new TreeSet<>(http.methods())));
    }
    http.pathPrefix()
        .ifPresent(
            prefix ->
                why.append(", path ")
                    .append(request.path().orElse("(unknown)"))
                    .append(" under ")
                    .append(prefix));
    return why.toString();
  }

  private static Optional<String> methodMismatch(
      HttpScope http, EgressRequest request, boolean deny) {
    if (http.methods().isEmpty()) {
      return Optional.empty();
    }
    Optional<String> method = request.method().map(m -> m.toUpperCase(Locale.ROOT));
    if (method.isEmpty()) {
      // Unknown method: a deny rule still applies (fail closed), an allow rule does not.
      return deny ? Optional.empty() : Optional.of("the request has no method");
    }
    return http.methods().contains(method.get())
        ? Optional.empty()
        : Optional.of(
            "method "
                + method.get()
                + " is not one of "
                + String.join(",", new TreeSet<>(http.methods())));
  }

  private static Optional<String> pathMismatch(
      HttpScope http, EgressRequest request, boolean deny) {
    if (http.pathPrefix().isEmpty()) {
      return Optional.empty();
    }
    String prefix = http.pathPrefix().get();
    Optional<String> path = request.path();
    if (path.isEmpty() || !canonicalPath(path.get())) {
      // A path we cannot judge ("/a/../b", "%2e", "//") might reach anything on the server:
      // a deny rule applies to it, an allow rule does not.
      return deny
          ? Optional.empty()
          : Optional.of(
              "path "
                  + path.orElse("(none)")
                  + " is not in canonical form, so no prefix allows it");
    }
    return underPrefix(path.get(), prefix)
        ? Optional.empty()
        : Optional.of("path " + path.get() + " is not under " + prefix);
  }

  /** Segment-wise prefix: {@code /simple} covers {@code /simple} and {@code /simple/x}. */
  static boolean underPrefix(String path, String prefix) {
    if (prefix.endsWith("/")) {
      return path.startsWith(prefix);
    }
    return path.equals(prefix) || path.startsWith(prefix + "/");
  }

  /** No dot segments, empty segments, backslashes or encoded dots, slashes and backslashes. */
  static boolean canonicalPath(String path) {
    if (!path.startsWith("/") || path.contains("//") || path.contains("\\")) {
      return false;
    }
    String lower = path.toLowerCase(Locale.ROOT);
    if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c")) {
      return false;
    }
    for (String segment : path.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }
}
