package dev.corral.core;

/**
 * The egress policy's answer to an {@link EgressRequest}. Every decision names the rule that made
 * it, so that users can see why (and {@code corral policy test} can explain it).
 */
public sealed interface EgressDecision {

  /** The rule that decided, as the user wrote it, or {@code "default deny"}. */
  String rule();

  /**
   * The request may go out.
   *
   * @param rule the allow rule that matched
   * @param privateTargets whether that rule lets the host resolve to a private, loopback or
   *     link-local address (normally refused)
   */
  record Allowed(String rule, boolean privateTargets) implements EgressDecision {}

  /**
   * The request is refused.
   *
   * @param rule the deny rule that matched, or {@code "default deny"}
   * @param reason a short explanation for the audit log and the 403 body
   */
  record Denied(String rule, String reason) implements EgressDecision {}
}
