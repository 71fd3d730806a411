package dev.corral.app;

import dev.corral.core.ApprovalAnswer;
import dev.corral.core.ApprovalGate;
import dev.corral.core.ApprovalRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The egress gateway's approver, filled in later: the gateway is built before Corral knows whether
 * this process is {@code corral server}. Until {@code corral server} puts its approval queue here
 * (and after it takes it out) every request is denied, which is the fail-closed answer.
 */
final class ApproverSlot implements ApprovalGate {
  private volatile ApprovalGate target = ApprovalGate.DENY;

  void fill(ApprovalGate approver) {
    target = approver;
  }

  void empty() {
    target = ApprovalGate.DENY;
  }

  /** Empty (no server in this process): denials say that nobody was there to ask. */
  @Override
  public boolean present() {
    return target.present();
  }

  @Override
  public CompletableFuture<ApprovalAnswer> open(ApprovalRequest request, Duration timeout) {
    return target.open(request, timeout);
  }
}
