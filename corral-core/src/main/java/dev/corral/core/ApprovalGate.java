package dev.corral.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Where the engine and the egress gateway open approvals. The server's approval queue implements
 * it; without a server, {@link #DENY} answers every request with an immediate denial.
 * Implementations are thread-safe.
 */
public interface ApprovalGate {

  /** Denies everything at once: the fail-closed answer when nobody can be asked. */
  ApprovalGate DENY =
      (request, timeout) -> CompletableFuture.completedFuture(new ApprovalAnswer.Deny(false));

  /**
   * Opens an approval. The future completes with the human's answer, or with {@code
   * Deny(expired=true)} after {@code timeout}. Cancelling the future withdraws the approval (the
   * agent moved on, the sandbox is gone).
   */
  CompletableFuture<ApprovalAnswer> open(ApprovalRequest request, Duration timeout);

  /**
   * Whether anybody can answer right now: false for {@link #DENY} (and for a gate that forwards to
   * it), so a denial can say that nobody was there rather than that a human said no.
   */
  // Identity on purpose: DENY is the "nobody is there" gate.
  @SuppressWarnings("ReferenceEquality")
  default boolean present() {
    return this != DENY;
  }
}
