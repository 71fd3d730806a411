package dev.corral.egress;

import dev.corral.core.EgressDecision;
import dev.corral.core.EgressRecord;
import dev.corral.core.EgressRequest;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One audited unit: a tunnel (CONNECT, SOCKS5) or a plain-HTTP request. Collects the decision, the
 * pinned address and the bytes, and writes exactly one record when finished. Confined to the event
 * loop of its client channel.
 */
final class Exchange {
  private final Instant time = Instant.now();
  private final long started = System.nanoTime();
  private final EgressRequest request;
  private EgressDecision policyDecision;
  private Asker.@Nullable Waiter approval;
  private final AuditTrail trail;
  private @Nullable Refusal refusal;
  private @Nullable InetAddress address;
  private long bytesUp;
  private long bytesDown;
  private boolean finished;

  Exchange(EgressRequest request, EgressDecision policyDecision, AuditTrail trail) {
    this.request = request;
    this.policyDecision = policyDecision;
    this.trail = trail;
  }

  EgressRequest request() {
    return request;
  }

  EgressDecision policyDecision() {
    return policyDecision;
  }

  /** Holds this exchange until {@code waiter}'s approval is decided (ask mode). */
  void awaitApproval(Asker.Waiter waiter) {
    approval = waiter;
  }

  /** Whether the exchange waits for an approval that the dialer has not taken yet. */
  boolean awaitingApproval() {
    return approval != null;
  }

  /** The pending approval, once: the dialer takes it and waits for its decision. */
  Optional<Asker.Waiter> takeApproval() {
    Optional<Asker.Waiter> taken = Optional.ofNullable(approval);
    approval = null;
    return taken;
  }

  /** A human allowed the held request: this decision is audited and vets the address. */
  void approve(EgressDecision.Allowed decision) {
    policyDecision = decision;
  }

  Optional<Refusal> refusal() {
    return Optional.ofNullable(refusal);
  }

  void refuse(Refusal why) {
    if (refusal == null) {
      refusal = why;
    }
  }

  void pin(InetAddress pinned) {
    address = pinned;
  }

  void up(long bytes) {
    bytesUp += bytes;
  }

  void down(long bytes) {
    bytesDown += bytes;
  }

  /** Writes the audit record; later calls do nothing. */
  void finish() {
    if (finished) {
      return;
    }
    finished = true;
    EgressDecision decision = refusal != null ? refusal.decision() : policyDecision;
    trail.record(
        new EgressRecord(
            time,
            request,
            Optional.ofNullable(address).map(InetAddress::getHostAddress),
            decision,
            bytesUp,
            bytesDown,
            Duration.ofNanos(System.nanoTime() - started)));
  }
}
