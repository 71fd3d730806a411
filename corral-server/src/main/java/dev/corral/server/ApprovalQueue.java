package dev.corral.server;

import dev.corral.core.ApprovalAnswer;
import dev.corral.core.ApprovalGate;
import dev.corral.core.ApprovalRecord;
import dev.corral.core.ApprovalRequest;
import dev.corral.core.ApprovalState;
import dev.corral.core.ConflictException;
import dev.corral.core.NotFoundException;
import dev.corral.core.Store;
import dev.corral.core.UsageException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one approval queue: the {@link ApprovalGate} the egress gateway, the prompt watcher and the
 * task runner open approvals through, and what the API, the CLI and the dashboard answer. Every
 * approval is in the {@link Store} from the moment it opens, so its history survives restarts; an
 * approval still pending when a server stopped has lost whoever waited for it and is marked expired
 * on the next start. Thread-safe; {@link #close} stops the expiry timer.
 */
public final class ApprovalQueue implements ApprovalGate, AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  static final String RESTARTED =
      "the server restarted while this was pending; nobody waits for it";

  private final Store store;
  private final Clock clock;
  private final ApprovalHook hook;
  private final ApprovalSettings settings;
  private final ScheduledExecutorService timer;
  private final Map<String, CompletableFuture<ApprovalAnswer>> waiting = new ConcurrentHashMap<>();
  private final Map<String, java.util.concurrent.ScheduledFuture<?>> expiries =
      new ConcurrentHashMap<>();
  private final Set<String> answering = ConcurrentHashMap.newKeySet();
  private final Object changed = new Object();
  private volatile MergeDecisions merges = MergeDecisions.NONE;

  private ApprovalQueue(Store store, ApprovalSettings settings, Clock clock) {
    this.store = store;
    this.clock = clock;
    this.settings = settings;
    this.hook = new ApprovalHook(settings.hook());
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("corral-approval-expiry").daemon().unstarted(r));
  }

  /**
   * A queue over {@code store}. Approvals a previous process left pending are expired now (their
   * requesters are gone).
   */
  public static ApprovalQueue open(Store store, ApprovalSettings settings) {
    return open(store, settings, Clock.systemUTC());
  }

  static ApprovalQueue open(Store store, ApprovalSettings settings, Clock clock) {
    ApprovalQueue queue = new ApprovalQueue(store, settings, clock);
    for (ApprovalRecord left : store.approvals(Set.of(ApprovalState.PENDING), 1_000_000)) {
      store.closeApproval(
          left.id(),
          ApprovalState.EXPIRED,
          Optional.of(new ApprovalAnswer.Deny(true)),
          "server restart",
          RESTARTED);
    }
    return queue;
  }

  ApprovalSettings settings() {
    return settings;
  }

  /** What answering a merge approval does (set by the server once the task runner exists). */
  void decideMergesWith(MergeDecisions decisions) {
    this.merges = decisions;
  }

  @Override
  public CompletableFuture<ApprovalAnswer> open(ApprovalRequest request, Duration timeout) {
    Instant now = clock.instant();
    ApprovalRecord approval =
        store.insertApproval(ApprovalRecord.pending(newId(), request, now, now.plus(timeout)));
    CompletableFuture<ApprovalAnswer> future = new CompletableFuture<>();
    waiting.put(approval.id(), future);
    CompletableFuture<?> _ =
        future.whenComplete(
            (answer, error) -> {
              waiting.remove(approval.id());
              var expiry = expiries.remove(approval.id());
              if (expiry != null) {
                expiry.cancel(false);
              }
              if (error instanceof CancellationException) {
                close(
                    approval.id(),
                    ApprovalState.WITHDRAWN,
                    Optional.empty(),
                    "requester",
                    "withdrawn: "
                        + request.sandbox()
                        + " no longer waits (it moved on or is gone)");
              }
            });
    expiries.put(
        approval.id(),
        timer.schedule(
            () -> expire(approval.id(), timeout), timeout.toMillis(), TimeUnit.MILLISECONDS));
    signal();
    hook.opened(approval);
    return future;
  }

  /**
   * Answers a pending approval, by {@code by} (e.g. {@code token tok-…}). A merge approval runs its
   * decision first; if that fails, the approval stays pending and the error is thrown.
   *
   * @throws NotFoundException if there is no such approval
   * @throws ConflictException if it is no longer pending (answered, expired, withdrawn) or is being
   *     answered right now
   * @throws UsageException if the answer does not fit the request (e.g. text for a host)
   */
  ApprovalRecord answer(String id, ApprovalAnswer answer, String by) {
    ApprovalRecord approval = get(id);
    requirePending(approval);
    checkFits(approval.request(), answer);
    if (!answering.add(id)) {
      throw new ConflictException(
          "approval " + id + " is being answered right now", "look at it with `corral approvals`");
    }
    try {
      String outcome =
          approval.request() instanceof ApprovalRequest.Merge merge
              ? merges.decide(merge, answer)
              : ApprovalViews.describe(answer);
      ApprovalRecord closed =
          close(id, ApprovalState.ANSWERED, Optional.of(answer), by, outcome)
              .orElseThrow(() -> notPending(get(id)));
      CompletableFuture<ApprovalAnswer> future = waiting.remove(id);
      if (future != null) {
        future.complete(answer);
      }
      return closed;
    } finally {
      answering.remove(id);
    }
  }

  /**
   * Closes the pending merge approval of {@code task}, if there is one, because the task was merged
   * some other way (e.g. {@code POST /tasks/{id}/merge}).
   */
  void settleMerge(String task, String how, ApprovalAnswer answer) {
    for (ApprovalRecord approval : store.approvals(Set.of(ApprovalState.PENDING), 10_000)) {
      if (approval.request() instanceof ApprovalRequest.Merge merge && merge.task().equals(task)) {
        close(
            approval.id(),
            ApprovalState.ANSWERED,
            Optional.of(answer),
            how,
            "decided outside the queue");
      }
    }
  }

  /**
   * Withdraws the pending host and prompt approvals of {@code sandbox}, which is gone: nobody is
   * left to act on an answer. Merge approvals stay (they outlive the task's sandbox).
   */
  void withdrawFor(String sandbox, String reason) {
    for (ApprovalRecord approval : store.approvals(Set.of(ApprovalState.PENDING), 10_000)) {
      if (approval.request().sandbox().equals(sandbox)
          && !(approval.request() instanceof ApprovalRequest.Merge)) {
        close(approval.id(), ApprovalState.WITHDRAWN, Optional.empty(), "server", reason);
        CompletableFuture<ApprovalAnswer> future = waiting.remove(approval.id());
        if (future != null) {
          future.cancel(false);
        }
      }
    }
  }

  ApprovalRecord get(String id) {
    ApprovalRecord.checkId(id);
    return store
        .approval(id)
        .orElseThrow(
            () ->
                new NotFoundException(
                    "no approval " + id, "list the approvals with `corral approvals`"));
  }

  List<ApprovalRecord> list(Set<ApprovalState> states, int limit) {
    return store.approvals(states, limit);
  }

  int pendingCount() {
    return store.approvals(Set.of(ApprovalState.PENDING), 1_000_000).size();
  }

  List<ApprovalRecord> changesAfter(long seq) {
    return store.approvalsChangedAfter(seq, 500);
  }

  /** Waits until some approval changes or {@code max} passes. */
  void awaitChange(long seenSeq, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    synchronized (changed) {
      while (store.approvalsChangedAfter(seenSeq, 1).isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        TimeUnit.NANOSECONDS.timedWait(changed, left);
      }
    }
  }

  private void expire(String id, Duration timeout) {
    Optional<ApprovalRecord> expired =
        close(
            id,
            ApprovalState.EXPIRED,
            Optional.of(new ApprovalAnswer.Deny(true)),
            "timeout",
            "nobody answered within " + ApprovalViews.duration(timeout) + "; denied");
    if (expired.isPresent()) {
      CompletableFuture<ApprovalAnswer> future = waiting.remove(id);
      if (future != null) {
        future.complete(new ApprovalAnswer.Deny(true));
      }
    }
  }

  private Optional<ApprovalRecord> close(
      String id, ApprovalState to, Optional<ApprovalAnswer> answer, String by, String reason) {
    Optional<ApprovalRecord> closed = store.closeApproval(id, to, answer, by, reason);
    if (closed.isPresent()) {
      signal();
    }
    return closed;
  }

  private void signal() {
    synchronized (changed) {
      changed.notifyAll();
    }
  }

  private static void requirePending(ApprovalRecord approval) {
    if (approval.state() != ApprovalState.PENDING) {
      throw notPending(approval);
    }
  }

  private static ConflictException notPending(ApprovalRecord approval) {
    String when = approval.closed().map(t -> " at " + t).orElse("");
    String by = approval.answeredBy().map(b -> " by " + b).orElse("");
    return switch (approval.state()) {
      case PENDING ->
          new ConflictException("approval " + approval.id() + " is being answered right now", null);
      case ANSWERED ->
          new ConflictException(
              "approval "
                  + approval.id()
                  + " was already answered"
                  + by
                  + when
                  + " ("
                  + approval.reason()
                  + ")",
              "an answer cannot be changed; list pending approvals with `corral approvals`");
      case EXPIRED ->
          new ConflictException(
              "approval " + approval.id() + " expired" + when + ": " + approval.reason(),
              "the request was denied; the agent may ask again");
      case WITHDRAWN ->
          new ConflictException(
              "approval " + approval.id() + " was withdrawn" + when + ": " + approval.reason(),
              "there is nothing left to answer");
    };
  }

  private static void checkFits(ApprovalRequest request, ApprovalAnswer answer) {
    boolean fits =
        switch (answer) {
          case ApprovalAnswer.AllowOnce a -> !(request instanceof ApprovalRequest.Prompt);
          case ApprovalAnswer.AllowAlways a -> request instanceof ApprovalRequest.Host;
          case ApprovalAnswer.Deny d -> !d.expired();
          case ApprovalAnswer.Text t -> request instanceof ApprovalRequest.Prompt;
          case ApprovalAnswer.Apply a -> request instanceof ApprovalRequest.Merge;
        };
    if (!fits) {
      throw new UsageException(
          "cannot answer a "
              + ApprovalViews.kind(request)
              + " approval with "
              + ApprovalViews.describe(answer),
          ApprovalViews.answersFor(request));
    }
  }

  private static String newId() {
    byte[] bytes = new byte[4];
    RANDOM.nextBytes(bytes);
    return "apr-" + HexFormat.of().formatHex(bytes);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
