package dev.corral.egress;

import dev.corral.core.EgressRequest;
import dev.corral.core.EgressRequest.Protocol;
import dev.corral.core.UsageException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One allow or deny rule of an egress policy, with the text it was written as and where it came
 * from, so that every decision can be explained.
 *
 * <p>Text syntax ({@link #parse}): {@code [METHODS ]TARGET}, where {@code TARGET} is {@code
 * [private:]HOST[:PORT][/PATH]}:
 *
 * <ul>
 *   <li>{@code HOST} is an exact name ({@code api.github.com}), a wildcard ({@code *.example.com})
 *       or an IP literal ({@code 203.0.113.7}, {@code [2001:db8::1]}). A wildcard matches
 *       subdomains at any depth ({@code a.example.com}, {@code a.b.example.com}) but <em>not</em>
 *       the apex {@code example.com}, which must be listed separately. A name never matches an IP
 *       literal and an IP literal rule matches only that address: a request for an IP is allowed
 *       only when the IP is written explicitly.
 *   <li>{@code PORT} is one port or {@code *} for any; without it the rule covers 80 and 443.
 *   <li>{@code METHODS} ({@code GET,HEAD}) and {@code /PATH} (a path prefix, matched segment by
 *       segment) restrict the rule to plain HTTP requests. Such a rule never matches a CONNECT or
 *       SOCKS5 request: those carry TLS or raw bytes the gateway cannot see into, so it cannot
 *       check a method or path.
 *   <li>{@code private:} lets the host resolve to private, loopback or link-local addresses
 *       (normally refused by {@link AddressCheck}); metadata addresses stay refused.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 *
 * @param action whether the rule allows or denies
 * @param host the host pattern, lower-case; an IPv6 literal in canonical form without brackets
 * @param ports the ports covered; empty means any port (written {@code :*})
 * @param http the method and path restriction; {@link HttpScope#ANY} when unrestricted
 * @param privateTargets whether the host may resolve to private addresses
 * @param text the rule as written, e.g. {@code "GET pypi.org/simple/"}
 * @param origin where the rule came from, e.g. {@code "corral.toml"}, {@code "--allow"}, {@code
 *     "bundle github"}
 */
public record EgressRule(
    Action action,
    String host,
    Set<Integer> ports,
    HttpScope http,
    boolean privateTargets,
    String text,
    String origin) {

  /** The ports a rule covers when none is written. */
  public static final Set<Integer> DEFAULT_PORTS = Set.of(80, 443);

  /** What a matching rule does. */
  public enum Action {
    ALLOW,
    DENY;

    /** {@code "allow"} or {@code "deny"}. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The plain-HTTP part of a rule.
   *
   * @param methods upper-case methods; empty means any method
   * @param pathPrefix the path prefix, starting with {@code /}; empty means any path
   */
  public record HttpScope(Set<String> methods, Optional<String> pathPrefix) {
    /** No restriction: the rule applies to tunnels as well as plain HTTP. */
    public static final HttpScope ANY = new HttpScope(Set.of(), Optional.empty());

    public HttpScope {
      methods = Set.copyOf(methods);
    }

    /** Whether this scope restricts anything (and so applies to plain HTTP only). */
    public boolean restricts() {
      return !methods.isEmpty() || pathPrefix.isPresent();
    }
  }

  public EgressRule {
    ports = Set.copyOf(ports);
  }

  /**
   * Parses one rule.
   *
   * @param text the rule, see the class documentation
   * @param action whether the rule allows or denies
   * @param origin where the text came from, kept for explanations
   * @throws UsageException naming the text and how to write it instead
   */
  public static EgressRule parse(String text, Action action, String origin) {
    return RuleParser.parse(text, action, origin);
  }

  /** Whether the rule covers any port. */
  public boolean anyPort() {
    return ports.isEmpty();
  }

  /** Whether the host pattern is a wildcard ({@code *.example.com}). */
  public boolean wildcard() {
    return host.startsWith("*.");
  }

  /** The rule and its origin, as decisions and the audit log name it: {@code "x.org (--allow)"}. */
  public String describe() {
    return text + " (" + origin + ")";
  }

  /** Whether the rule's host pattern matches the request's host. */
  boolean matchesHost(String requestHost) {
    return RuleMatcher.hostMatches(host, requestHost);
  }

  /** Why the rule does not apply to a request whose host it matches; empty when it applies. */
  Optional<String> mismatch(EgressRequest request) {
    return RuleMatcher.mismatch(this, request);
  }

  /** The ports as written in explanations: {@code "80,443"} or {@code "any port"}. */
  String portsText() {
    return anyPort()
        ? "any port"
        : String.join(",", new TreeSet<>(ports).stream().map(String::valueOf).toList());
  }

  /** Whether a request arrived through a tunnel, where methods and paths are invisible. */
  static boolean tunnel(EgressRequest request) {
    return request.protocol() != Protocol.HTTP;
  }
}
