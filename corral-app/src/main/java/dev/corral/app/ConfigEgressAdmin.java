package dev.corral.app;

import dev.corral.core.CorralConfig;
import dev.corral.core.CorralDirs;
import dev.corral.core.EgressAdmin;
import dev.corral.core.EgressRequest;
import dev.corral.core.EgressRules;
import dev.corral.core.HostPath;
import dev.corral.core.ProjectTrust;
import dev.corral.egress.EgressRule;
import dev.corral.egress.JsonLinesAudit;
import dev.corral.egress.PolicyExplanation;
import dev.corral.egress.PolicySources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * {@link EgressAdmin} on the configuration files ({@link TomlConfigSource}), the egress policy
 * engine ({@link PolicySources}, {@code RulePolicy.explain}) and the audit directory {@code
 * <state>/egress}. Stateless apart from the gateway's service catalog; thread-safe.
 */
final class ConfigEgressAdmin implements EgressAdmin {
  private final TomlConfigSource config;
  private final GatewayEgress egress;
  private final Path auditDir;

  ConfigEgressAdmin(CorralDirs dirs, TomlConfigSource config, GatewayEgress egress) {
    this.config = config;
    this.egress = egress;
    this.auditDir = dirs.state().path().resolve("egress");
  }

  @Override
  public PolicyReport policy(HostPath workspace) {
    CorralConfig loaded = config.load(workspace);
    PolicySources sources = egress.sources(loaded.egress());
    List<Source> written = new ArrayList<>();
    written.add(source(loaded.egress(), EgressRules.Kind.AGENT, null));
    written.add(source(loaded.egress(), EgressRules.Kind.USER, config.userFile()));
    written.add(
        source(loaded.egress(), EgressRules.Kind.PROJECT, TrustStore.projectFile(workspace)));
    List<Rule> effective =
        sources.rules().stream()
            .sorted(Comparator.comparing(r -> r.action() == EgressRule.Action.ALLOW))
            .map(ConfigEgressAdmin::rule)
            .toList();
    return new PolicyReport(workspace, written, effective, loaded.warnings());
  }

  private static Source source(EgressRules rules, EgressRules.Kind kind, @Nullable Path file) {
    List<Rule> written = new ArrayList<>();
    for (EgressRules.Layer layer : rules.layers()) {
      if (layer.kind() == kind) {
        layer.allow().forEach(t -> written.add(written(Action.ALLOW, t, layer.origin())));
        layer.deny().forEach(t -> written.add(written(Action.DENY, t, layer.origin())));
      }
    }
    return new Source(
        kind,
        Optional.ofNullable(file).map(HostPath::of),
        file != null && Files.exists(file),
        written);
  }

  private static Rule written(Action action, String text, String origin) {
    return new Rule(action, text, origin, Optional.empty());
  }

  @Override
  public Change add(HostPath workspace, Scope scope, Action action, String rule) {
    String text = rule.strip();
    // Parse first: a rule the gateway would reject never reaches a file.
    egress.catalog().expand(text, action(action), "the command line");
    Path file =
        switch (scope) {
          case USER -> config.userFile();
          case PROJECT -> TrustStore.projectFile(workspace);
        };
    ProjectTrust.Status before = config.trust().status(workspace);
    TomlRuleEditor.Edit edit = TomlRuleEditor.add(file, action.word(), text);
    List<String> notes = new ArrayList<>();
    if (scope == Scope.PROJECT && edit.changed()) {
      if (before.upToDate() || before.current().isEmpty()) {
        // The user made this change, so the file stays trusted (or is trusted from the start).
        config.trust().trust(workspace, edit.after());
      } else if (action == Action.ALLOW) {
        notes.add(TomlConfigSource.warning(before.trusted().isPresent()));
      }
    }
    Rule added = new Rule(action, text, file.toString(), Optional.empty());
    return new Change(HostPath.of(file), added, edit.changed(), edit.created(), notes);
  }

  @Override
  public Verdict test(HostPath workspace, EgressRequest request) {
    CorralConfig loaded = config.load(workspace);
    PolicyExplanation explained = egress.sources(loaded.egress()).policy().explain(request);
    return new Verdict(
        request,
        explained.decision(),
        explained.why(),
        considerations(explained.matched()),
        considerations(explained.nearMisses()),
        loaded.warnings());
  }

  private static List<Consideration> considerations(List<PolicyExplanation.RuleMatch> matches) {
    return matches.stream().map(m -> new Consideration(rule(m.rule()), m.reason())).toList();
  }

  @Override
  public List<HostPath> auditFiles() {
    return JsonLinesAudit.files(auditDir).stream().map(HostPath::of).toList();
  }

  @Override
  public HostPath currentAuditFile() {
    return HostPath.of(JsonLinesAudit.current(auditDir));
  }

  private static EgressRule.Action action(Action action) {
    return switch (action) {
      case ALLOW -> EgressRule.Action.ALLOW;
      case DENY -> EgressRule.Action.DENY;
    };
  }

  static Rule rule(EgressRule rule) {
    Action action =
        switch (rule.action()) {
          case ALLOW -> Action.ALLOW;
          case DENY -> Action.DENY;
        };
    return new Rule(action, rule.text(), rule.origin(), Optional.of(covers(rule)));
  }

  /** What a parsed rule covers, e.g. {@code "ports 80,443"}, {@code "any port, GET /simple"}. */
  static String covers(EgressRule rule) {
    StringBuilder covers =
        new StringBuilder(
            rule.anyPort()
                ? "any port"
                : (rule.ports().size() == 1 ? "port " : "ports ")
                    + String.join(
                        ",", new TreeSet<>(rule.ports()).stream().map(String::valueOf).toList()));
    if (!rule.http().methods().isEmpty()) {
      covers.append(", ").append(String.join(",", new TreeSet<>(rule.http().methods())));
    }
    rule.http().pathPrefix().ifPresent(p -> covers.append(", paths ").append(p));
    if (rule.http().restricts()) {
      covers.append(" (plain HTTP only)");
    }
    if (rule.privateTargets()) {
      covers.append(", private addresses");
    }
    return covers.toString();
  }
}
