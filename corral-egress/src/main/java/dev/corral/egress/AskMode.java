package dev.corral.egress;

import dev.corral.core.ApprovalAnswer;
import dev.corral.core.UsageException;
import java.time.Duration;

/**
 * What a sandbox's listener does with a request that no rule decides (the policy's {@code default
 * deny}): refuse it ({@link #OFF}), or hold it while a human is asked through the gateway's {@link
 * dev.corral.core.ApprovalGate} ({@link Ask}). Explicit deny rules, IP literals and the address
 * check are never subject to an approval.
 */
public sealed interface AskMode {

  /** Default deny stays deny: nobody is asked. */
  AskMode OFF = new Off();

  /** Nobody is asked. */
  record Off() implements AskMode {}

  /**
   * Hold undecided requests up to {@code hold} while an approval is pending.
   *
   * @param hold how long a request waits for an answer before it is denied as expired
   * @param writer writes the allow rule of an "allow always" answer with scope {@code PROJECT} or
   *     {@code EVERYWHERE}; {@code SANDBOX} rules stay in the listener's memory
   */
  record Ask(Duration hold, RuleWriter writer) implements AskMode {
    public Ask {
      if (hold.isNegative() || hold.isZero()) {
        throw new UsageException(
            "invalid egress ask hold time " + hold + ": must be positive, e.g. 60s");
      }
    }
  }

  /** Persists an allow rule that a human approved "always". Called off the event loops. */
  @FunctionalInterface
  interface RuleWriter {
    /**
     * Writes allow rule {@code rule} (e.g. {@code "pypi.org"}) where {@code scope} says.
     *
     * @throws RuntimeException when it cannot; the request is still allowed for this sandbox
     */
    void allow(String rule, ApprovalAnswer.Scope scope);
  }
}
