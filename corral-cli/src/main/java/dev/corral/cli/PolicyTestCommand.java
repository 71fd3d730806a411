package dev.corral.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.core.EgressAdmin.Consideration;
import dev.corral.core.EgressAdmin.Verdict;
import dev.corral.core.EgressDecision;
import dev.corral.core.EgressRequest;
import dev.corral.core.EgressRequest.Protocol;
import dev.corral.core.ExitCodes;
import dev.corral.core.SandboxId;
import dev.corral.core.UsageException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code corral policy test URL}: which rule decides a request, and why. */
@Command(
    name = "test",
    mixinStandardHelpOptions = true,
    description = {
      "Say whether the policy in force here lets a sandbox reach URL, and why.",
      "",
      "Names the rule that decides and why (rules that nearly apply are listed too). Nothing is sent.",
      "http://HOST[:PORT]/PATH is checked as a plain HTTP request (method and path count);",
      "https://HOST[:PORT] and HOST[:PORT] as a tunnel (CONNECT; port 443 by default)."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:allowed", "1:denied", "2:invalid URL", "3:invalid configuration file"})
final class PolicyTestCommand implements Callable<Integer> {
  static final int DENIED = 1;
  private static final SandboxId SANDBOX = SandboxId.of("policy-test");

  private final CliContext ctx;

  @Parameters(paramLabel = "URL", description = "e.g. https://pypi.org, http://host/path, host:22")
  String url = "";

  @Option(
      names = "--method",
      paramLabel = "METHOD",
      description = "HTTP method of a plain http:// request (default: ${DEFAULT-VALUE}).")
  String method = "GET";

  @Mixin OutputOption output = new OutputOption();

  @Spec
  @SuppressWarnings("NullAway.Init")
  CommandSpec spec;

  PolicyTestCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    EgressRequest request = request(url, method);
    Verdict verdict = ctx.egress().test(ctx.workingDirectory(), request);
    Json.warn(verdict.warnings(), spec.commandLine());
    PrintWriter out = spec.commandLine().getOut();
    out.print(
        switch (output.format) {
          case text -> text(verdict);
          case json -> Json.pretty(json(verdict));
        });
    out.flush();
    return verdict.decision() instanceof EgressDecision.Allowed ? ExitCodes.OK : DENIED;
  }

  /** The request a sandbox would make for {@code url}. */
  static EgressRequest request(String url, String method) {
    String text = url.contains("://") ? url : "tcp://" + url;
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw invalid(url, e.getReason());
    }
    String scheme = Optional.ofNullable(uri.getScheme()).orElse("").toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw invalid(url, "no host");
    }
    host = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    return switch (scheme) {
      case "http" ->
          new EgressRequest(
              SANDBOX,
              Protocol.HTTP,
              host,
              port(uri, 80),
              Optional.of(method.toUpperCase(Locale.ROOT)),
              Optional.of(
                  uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath()));
      case "https", "tcp" -> EgressRequest.connect(SANDBOX, Protocol.CONNECT, host, port(uri, 443));
      default -> throw invalid(url, "unsupported scheme " + scheme);
    };
  }

  private static int port(URI uri, int fallback) {
    return uri.getPort() < 0 ? fallback : uri.getPort();
  }

  private static UsageException invalid(String url, String why) {
    return new UsageException(
        "invalid URL '" + url + "': " + why,
        "write http://HOST[:PORT]/PATH, https://HOST[:PORT] or HOST[:PORT]");
  }

  static String text(Verdict verdict) {
    EgressRequest request = verdict.request();
    StringBuilder sb = new StringBuilder();
    boolean allowed = verdict.decision() instanceof EgressDecision.Allowed;
    sb.append(allowed ? "ALLOW " : "DENY  ").append(describe(request)).append('\n');
    sb.append("  rule: ").append(verdict.decision().rule()).append('\n');
    sb.append("  why:  ").append(verdict.why()).append('\n');
    considerations(sb, "rules that apply:", verdict.matched());
    considerations(sb, "rules for this host that do not apply:", verdict.nearMisses());
    if (!allowed) {
      sb.append("  to allow it: corral policy allow ")
          .append(request.host())
          .append(request.port() == 80 || request.port() == 443 ? "" : ":" + request.port())
          .append('\n');
    }
    return sb.toString();
  }

  private static String describe(EgressRequest request) {
    String target = request.host() + ":" + request.port();
    return switch (request.protocol()) {
      case HTTP ->
          request.method().orElse("GET")
              + " "
              + target
              + request.path().orElse("/")
              + " (plain HTTP: method and path count)";
      case CONNECT, SOCKS5 ->
          "CONNECT " + target + " (a tunnel: the gateway sees the host and port, not the path)";
    };
  }

  private static void considerations(StringBuilder sb, String title, List<Consideration> rules) {
    if (rules.isEmpty()) {
      return;
    }
    sb.append("  ").append(title).append('\n');
    for (Consideration c : rules) {
      sb.append("    ")
          .append(c.rule().action().word())
          .append(' ')
          .append(c.rule().text())
          .append(" (")
          .append(c.rule().origin())
          .append("): ")
          .append(c.reason())
          .append('\n');
    }
  }

  static ObjectNode json(Verdict verdict) {
    EgressRequest request = verdict.request();
    ObjectNode root = Json.object();
    ObjectNode req =
        root.putObject("request")
            .put("protocol", request.protocol().name().toLowerCase(Locale.ROOT))
            .put("host", request.host())
            .put("port", request.port());
    request.method().ifPresent(m -> req.put("method", m));
    request.path().ifPresent(p -> req.put("path", p));
    root.put("decision", verdict.decision() instanceof EgressDecision.Allowed ? "allow" : "deny");
    root.put("rule", verdict.decision().rule());
    root.put("why", verdict.why());
    considerations(root.putArray("matched"), verdict.matched());
    considerations(root.putArray("near_misses"), verdict.nearMisses());
    ArrayNode warnings = root.putArray("warnings");
    verdict.warnings().forEach(warnings::add);
    return root;
  }

  private static void considerations(ArrayNode array, List<Consideration> rules) {
    rules.forEach(c -> array.add(Json.rule(c.rule()).put("reason", c.reason())));
  }
}
