package dev.corral.egress;

import dev.corral.core.UsageException;
import dev.corral.egress.EgressRule.Action;
import dev.corral.egress.EgressRule.HttpScope;
import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Parses the text form of an {@link EgressRule}; see there for the syntax. Stateless. */
final class RuleParser {

  static final String SYNTAX =
      "write [METHODS ][private:]HOST[:PORT][/PATH], e.g. \"api.github.com\", \"*.npmjs.org:443\","
          + " \"registry.example.com:*\", \"GET,HEAD pypi.org/simple/\", \"private:git.internal:22\"";

  private static final Pattern METHOD = Pattern.compile("[A-Z]+");
  private static final String PRIVATE = "private:";

  private RuleParser() {}

  static EgressRule parse(String text, Action action, String origin) {
    String trimmed = text.strip();
    String[] words = trimmed.split("\\s+", -1);
    if (trimmed.isEmpty() || words.length > 2) {
      throw invalid(text, trimmed.isEmpty() ? "the rule is empty" : "too many words", SYNTAX);
    }
    if (trimmed.startsWith("@")) {
      throw invalid(text, "a service bundle cannot be used here", "list its hosts instead");
    }
    Set<String> methods = words.length == 2 ? methods(text, words[0]) : Set.of();
    String target = words[words.length - 1];
    boolean privateTargets = target.startsWith(PRIVATE);
    if (privateTargets) {
      target = target.substring(PRIVATE.length());
      if (action == Action.DENY) {
        throw invalid(text, "private: only widens allow rules", "remove \"private:\"");
      }
    }
    Target parsed = target(text, target);
    parsed.path.ifPresent(path -> checkPath(text, path));
    String host = host(text, parsed.host);
    if (action == Action.ALLOW && HostNames.isAddress(host)) {
      String bare = words[words.length - 1].substring(privateTargets ? PRIVATE.length() : 0);
      String suggestion = (words.length == 2 ? words[0] + " " : "") + PRIVATE + bare;
      checkAddress(text, host, privateTargets, suggestion);
    }
    return new EgressRule(
        action,
        host,
        parsed.ports,
        new HttpScope(methods, parsed.path),
        privateTargets,
        trimmed,
        origin);
  }

  private record Target(String host, Set<Integer> ports, Optional<String> path) {}

  private static Target target(String text, String target) {
    int slash = target.indexOf('/');
    Optional<String> path = slash < 0 ? Optional.empty() : Optional.of(target.substring(slash));
    String hostPort = slash < 0 ? target : target.substring(0, slash);
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close < 0) {
        throw invalid(text, "unclosed '[' in an IPv6 address", "write it as [2001:db8::1]:443");
      }
      String rest = hostPort.substring(close + 1);
      if (!rest.isEmpty() && !rest.startsWith(":")) {
        throw invalid(text, "unexpected \"" + rest + "\" after ']'", SYNTAX);
      }
      Set<Integer> ports =
          rest.isEmpty() ? EgressRule.DEFAULT_PORTS : port(text, rest.substring(1));
      return new Target(hostPort.substring(0, close + 1), ports, path);
    }
    int colon = hostPort.indexOf(':');
    if (colon >= 0 && hostPort.indexOf(':', colon + 1) >= 0) {
      return new Target(hostPort, EgressRule.DEFAULT_PORTS, path); // a bare IPv6 literal
    }
    if (colon < 0) {
      return new Target(hostPort, EgressRule.DEFAULT_PORTS, path);
    }
    return new Target(
        hostPort.substring(0, colon), port(text, hostPort.substring(colon + 1)), path);
  }

  private static Set<Integer> port(String text, String port) {
    if (port.equals("*")) {
      return Set.of();
    }
    try {
      int value = Integer.parseInt(port);
      if (value >= 1 && value <= 65535) {
        return Set.of(value);
      }
    } catch (NumberFormatException e) {
      // reported below, with the fix
    }
    throw invalid(
        text, "\"" + port + "\" is not a port", "use a port from 1 to 65535, or * for any port");
  }

  private static Set<String> methods(String text, String word) {
    Set<String> methods = new LinkedHashSet<>();
    for (String method : word.split(",", -1)) {
      if (!METHOD.matcher(method).matches()) {
        throw invalid(
            text,
            "\"" + method + "\" is not an HTTP method",
            "list upper-case methods separated by commas, e.g. \"GET,HEAD pypi.org/simple/\"");
      }
      methods.add(method);
    }
    return methods;
  }

  private static void checkPath(String text, String path) {
    if (!RuleMatcher.canonicalPath(path)) {
      throw invalid(
          text,
          "path " + path + " is not in canonical form",
          "write a plain prefix without '.', '..', '//', '\\' or encoded characters");
    }
  }

  private static String host(String text, String written) {
    String host = written.toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    Optional<String> address = HostNames.canonicalAddress(host);
    if (address.isPresent()) {
      return address.get();
    }
    if (host.startsWith("[") || host.indexOf(':') >= 0) {
      throw invalid(text, "\"" + written + "\" is not an IPv6 address", SYNTAX);
    }
    if (host.equals("*")) {
      throw invalid(text, "\"*\" would allow every host", "list the hosts or use *.DOMAIN");
    }
    boolean wildcard = host.startsWith("*.");
    String name = wildcard ? host.substring(2) : host;
    if (name.contains("*")) {
      throw invalid(
          text, "'*' may only start a pattern", "write *.example.com for every subdomain");
    }
    Optional<String> problem = HostNames.nameProblem(name);
    if (problem.isPresent()) {
      throw invalid(text, problem.get(), SYNTAX);
    }
    if (wildcard && name.indexOf('.') < 0) {
      throw invalid(
          text, "\"" + host + "\" covers a whole top-level domain", "name a domain: *.example.com");
    }
    return host;
  }

  private static void checkAddress(
      String text, String host, boolean privateTargets, String suggestion) {
    InetAddress address = InetAddress.ofLiteral(host);
    if (AddressCheck.isMetadata(address)) {
      throw invalid(
          text,
          host + " is a cloud metadata address",
          "metadata addresses are never reachable from a sandbox");
    }
    Optional<String> refusal = AddressCheck.refusal(address, privateTargets);
    if (refusal.isPresent()) {
      throw invalid(text, refusal.get(), "write \"" + suggestion + "\" to allow it");
    }
  }

  private static UsageException invalid(String text, String problem, String hint) {
    return new UsageException("invalid egress rule \"" + text.strip() + "\": " + problem, hint);
  }
}
