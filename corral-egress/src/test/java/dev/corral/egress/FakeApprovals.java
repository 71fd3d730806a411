package dev.corral.egress;

import dev.corral.core.ApprovalAnswer;
import dev.corral.core.ApprovalGate;
import dev.corral.core.ApprovalRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test approval queue: records every opened approval and lets the test answer it (or not). Its
 * futures never expire on their own, so the gateway's own hold is what expires them.
 */
final class FakeApprovals implements ApprovalGate {
  record Opened(
      ApprovalRequest request, Duration timeout, CompletableFuture<ApprovalAnswer> answer) {}

  private final LinkedBlockingQueue<Opened> fresh = new LinkedBlockingQueue<>();
  final List<Opened> all = new CopyOnWriteArrayList<>();

  @Override
  public CompletableFuture<ApprovalAnswer> open(ApprovalRequest request, Duration timeout) {
    Opened opened = new Opened(request, timeout, new CompletableFuture<>());
    all.add(opened);
    fresh.add(opened);
    return opened.answer();
  }

  /** The next approval opened, waiting up to 10 s for it. */
  Opened next() throws InterruptedException {
    Opened opened = fresh.poll(10, TimeUnit.SECONDS);
    if (opened == null) {
      throw new AssertionError("no approval was opened");
    }
    return opened;
  }
}
