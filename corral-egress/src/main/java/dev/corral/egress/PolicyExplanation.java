package dev.corral.egress;

import dev.corral.core.EgressDecision;
import dev.corral.core.EgressRequest;
import java.util.List;

/**
 * Why a policy decided a request as it did, for {@code corral policy test URL}.
 *
 * @param request the request that was decided
 * @param decision the decision, exactly as {@link Policy#decide} returns it
 * @param matched every rule that applies to the request, in policy order, with why it applies
 * @param nearMisses rules whose host matches but that do not apply (wrong port, method, path, or a
 *     tunnel where methods and paths cannot be seen), with why not
 * @param why one sentence on why the decision's rule won, e.g. {@code "deny rules win over allow
 *     rules"}
 */
public record PolicyExplanation(
    EgressRequest request,
    EgressDecision decision,
    List<RuleMatch> matched,
    List<RuleMatch> nearMisses,
    String why) {

  public PolicyExplanation {
    matched = List.copyOf(matched);
    nearMisses = List.copyOf(nearMisses);
  }

  /**
   * One rule considered for a request.
   *
   * @param rule the rule
   * @param reason why it applies, or why it does not
   */
  public record RuleMatch(EgressRule rule, String reason) {}
}
