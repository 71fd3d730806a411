package dev.corral.egress;

import dev.corral.core.EgressDecision;
import dev.corral.core.EgressDecision.Allowed;
import dev.corral.core.EgressDecision.Denied;
import dev.corral.core.EgressRequest;
import dev.corral.egress.EgressRule.Action;
import dev.corral.egress.PolicyExplanation.RuleMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Policy} made of {@link EgressRule}s: default deny; a request is allowed only when an
 * allow rule applies and no deny rule does, whatever the order or source of the rules. The decision
 * names the deciding rule: the first applicable deny rule, else the first applicable allow rule
 * that allows private targets, else the first applicable allow rule, else {@code "default deny"}.
 *
 * <p>Immutable and thread-safe; hot reload builds a new instance.
 */
public final class RulePolicy implements Policy {

  /** The rule name of a denial no rule made. */
  public static final String DEFAULT_DENY = "default deny";

  private final List<EgressRule> rules;

  private RulePolicy(List<EgressRule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** A policy of {@code rules}, in the order explanations list them. */
  public static RulePolicy of(List<EgressRule> rules) {
    return new RulePolicy(rules);
  }

  /** The rules, in order. */
  public List<EgressRule> rules() {
    return rules;
  }

  @Override
  public EgressDecision decide(EgressRequest request) {
    List<EgressRule> applicable = new ArrayList<>();
    for (EgressRule rule : rules) {
      if (rule.matchesHost(request.host()) && rule.mismatch(request).isEmpty()) {
        applicable.add(rule);
      }
    }
    return decision(request, applicable);
  }

  /** Every rule that applies or nearly applies to {@code request}, and why the decision won. */
  public PolicyExplanation explain(EgressRequest request) {
    List<RuleMatch> matched = new ArrayList<>();
    List<RuleMatch> nearMisses = new ArrayList<>();
    for (EgressRule rule : rules) {
      if (!rule.matchesHost(request.host())) {
        continue;
      }
      Optional<String> mismatch = rule.mismatch(request);
      if (mismatch.isPresent()) {
        nearMisses.add(new RuleMatch(rule, mismatch.get()));
      } else {
        matched.add(new RuleMatch(rule, RuleMatcher.matchReason(rule, request)));
      }
    }
    List<EgressRule> applicable = matched.stream().map(RuleMatch::rule).toList();
    EgressDecision decision = decision(request, applicable);
    return new PolicyExplanation(request, decision, matched, nearMisses, why(decision, applicable));
  }

  private static EgressDecision decision(EgressRequest request, List<EgressRule> applicable) {
    Optional<EgressRule> deny = first(applicable, Action.DENY, false);
    if (deny.isPresent()) {
      return new Denied(
          deny.get().describe(),
          target(request) + " is denied by rule \"" + deny.get().text() + "\"");
    }
    Optional<EgressRule> allow =
        first(applicable, Action.ALLOW, true).or(() -> first(applicable, Action.ALLOW, false));
    if (allow.isPresent()) {
      return new Allowed(allow.get().describe(), allow.get().privateTargets());
    }
    return new Denied(DEFAULT_DENY, "no rule allows " + target(request));
  }

  private static String why(EgressDecision decision, List<EgressRule> applicable) {
    long allows = applicable.stream().filter(r -> r.action() == Action.ALLOW).count();
    return switch (decision) {
      case Denied d when d.rule().equals(DEFAULT_DENY) ->
          "no rule applies, and everything not allowed is denied";
      case Denied d ->
          allows == 0
              ? "a deny rule applies"
              : "deny rules win over allow rules (" + allows + " allow rule(s) also apply)";
      case Allowed a when a.privateTargets() ->
          "an allow rule applies and no deny rule does; it allows private targets";
      case Allowed a -> "an allow rule applies and no deny rule does";
    };
  }

  private static Optional<EgressRule> first(
      List<EgressRule> rules, Action action, boolean privateTargets) {
    return rules.stream()
        .filter(r -> r.action() == action && (!privateTargets || r.privateTargets()))
        .findFirst();
  }

  private static String target(EgressRequest request) {
    String host = request.host().indexOf(':') >= 0 ? "[" + request.host() + "]" : request.host();
    return host + ":" + request.port();
  }
}
