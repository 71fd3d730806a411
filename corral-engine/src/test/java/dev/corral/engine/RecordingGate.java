package dev.corral.engine;

import dev.corral.core.ApprovalAnswer;
import dev.corral.core.ApprovalGate;
import dev.corral.core.ApprovalRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A test approval queue: keeps what was opened; the test answers (or not). */
final class RecordingGate implements ApprovalGate {
  record Opened(ApprovalRequest request, CompletableFuture<ApprovalAnswer> answer) {}

  final List<Opened> opened = new CopyOnWriteArrayList<>();

  @Override
  public CompletableFuture<ApprovalAnswer> open(ApprovalRequest request, Duration timeout) {
    Opened o = new Opened(request, new CompletableFuture<>());
    opened.add(o);
    return o.answer();
  }

  ApprovalRequest.Prompt prompt(int i) {
    return (ApprovalRequest.Prompt) opened.get(i).request();
  }
}
