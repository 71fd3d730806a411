package dev.corral.egress;

import dev.corral.core.ApprovalAnswer;
import dev.corral.core.ApprovalGate;
import dev.corral.core.ApprovalRequest;
import dev.corral.core.EgressDecision;
import dev.corral.core.EgressDecision.Allowed;
import dev.corral.core.EgressDecision.Denied;
import dev.corral.core.EgressRequest;
import dev.corral.core.SandboxId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A listener's ask mode: opens one approval per pending {@code host:port} (concurrent requests for
 * it wait on the same one), turns the answer into a decision, and remembers "allow always" rules
 * for the sandbox's lifetime. Only requests the policy denies by default reach it; the resulting
 * allowance never covers private targets, so the address check still applies. Thread-safe.
 */
final class Asker {
  static final String ALLOWED_ONCE = "ask: allowed once";
  static final String DENIED = "ask: denied";
  static final String EXPIRED = "ask: expired";
  static final String NO_APPROVER = "ask: no approver";
  static final String WITHDRAWN = "ask: withdrawn";

  private static final System.Logger LOG = System.getLogger(Asker.class.getName());
  private static final Asker OFF =
      new Asker(SandboxId.of("off"), ApprovalGate.DENY, null, Runnable::run);

  private final SandboxId sandbox;
  private final ApprovalGate gate;
  private final AskMode.@Nullable Ask mode;
  private final Executor executor;
  private final Map<String, Pending> pending = new HashMap<>();
  private final List<EgressRule> always = new ArrayList<>();
  private volatile RulePolicy remembered = RulePolicy.of(List.of());

  private Asker(
      SandboxId sandbox, ApprovalGate gate, AskMode.@Nullable Ask mode, Executor executor) {
    this.sandbox = sandbox;
    this.gate = gate;
    this.mode = mode;
    this.executor = executor;
  }

  static Asker of(SandboxId sandbox, ApprovalGate gate, AskMode mode, Executor executor) {
    return switch (mode) {
      case AskMode.Off off -> OFF;
      case AskMode.Ask ask -> new Asker(sandbox, gate, ask, executor);
    };
  }

  /**
   * Whether {@code decision} on {@code request} is one to ask about: ask mode is on, no rule
   * decided (default deny), and the host is a name (an address is reachable only when a rule names
   * it).
   */
  boolean applies(EgressRequest request, EgressDecision decision) {
    return mode != null
        && decision instanceof Denied denied
        && denied.rule().equals(RulePolicy.DEFAULT_DENY)
        && HostNames.canonicalAddress(request.host()).isEmpty();
  }

  /** The decision of a rule approved "always" earlier for this sandbox, if one applies. */
  Optional<Allowed> remembered(EgressRequest request) {
    return remembered.decide(request) instanceof Allowed allowed
        ? Optional.of(allowed)
        : Optional.empty();
  }

  /** Requests waiting for an approval right now. */
  synchronized int waiting() {
    int waiting = 0;
    for (Pending p : pending.values()) {
      waiting += p.decided.isDone() ? 0 : p.waiters;
    }
    return waiting;
  }

  /** Joins (or opens) the approval for {@code request}'s host and port. */
  synchronized Waiter ask(EgressRequest request) {
    String key = request.host() + ":" + request.port();
    Pending current = pending.get(key);
    if (current == null || current.decided.isDone()) {
      current = open(key, request);
      pending.put(key, current);
    }
    current.waiters++;
    return new Waiter(key, current);
  }

  private Pending open(String key, EgressRequest request) {
    AskMode.Ask ask = Objects.requireNonNull(mode);
    // Completed by the gate's answer; cancelled when every waiting request is gone.
    CompletableFuture<ApprovalAnswer> answer = new CompletableFuture<>();
    Pending created = new Pending(answer);
    // The gate promises to expire the approval; the gateway does not rely on it.
    created.decided =
        answer
            .copy()
            .completeOnTimeout(
                new ApprovalAnswer.Deny(true), ask.hold().toNanos(), TimeUnit.NANOSECONDS)
            .handleAsync(
                (a, error) -> {
                  EgressDecision decision = decide(request, a, error);
                  synchronized (this) {
                    pending.remove(key, created);
                    withdraw(created); // expired or withdrawn here first: off the queue
                  }
                  return decision;
                },
                executor);
    try {
      // The gate may persist or notify: never on the event loop that received the request.
      executor.execute(() -> openGate(created, request, ask.hold()));
    } catch (RejectedExecutionException e) {
      answer.completeExceptionally(e);
    }
    return created;
  }

  private void openGate(Pending created, EgressRequest request, Duration hold) {
    CompletableFuture<ApprovalAnswer> opened;
    try {
      opened =
          gate.open(
              new ApprovalRequest.Host(sandbox.value(), request.host(), request.port()), hold);
    } catch (RuntimeException e) {
      opened = CompletableFuture.failedFuture(e);
    }
    synchronized (this) {
      created.gate = opened;
      if (created.decided.isDone()) {
        withdraw(created);
      }
    }
    var _ =
        opened.whenComplete(
            (a, e) -> {
              if (a != null) {
                created.answer.complete(a);
              } else {
                created.answer.completeExceptionally(
                    e != null ? e : new IllegalStateException("no answer"));
              }
            });
  }

  /** Cancels the gate's future of {@code p} unless it is done. Guarded by this. */
  private static void withdraw(Pending p) {
    CompletableFuture<ApprovalAnswer> opened = p.gate;
    if (opened != null && !opened.isDone()) {
      opened.cancel(false);
    }
  }

  private EgressDecision decide(
      EgressRequest request, @Nullable ApprovalAnswer answer, @Nullable Throwable error) {
    String target = request.host() + ":" + request.port();
    if (answer == null) {
      boolean withdrawn =
          error instanceof CancellationException
              || (error != null && error.getCause() instanceof CancellationException);
      if (!withdrawn) {
        LOG.log(System.Logger.Level.WARNING, "egress approval for " + target + " failed", error);
      }
      return new Denied(WITHDRAWN, "the approval for " + target + " was withdrawn or failed");
    }
    return switch (answer) {
      case ApprovalAnswer.AllowOnce once -> new Allowed(ALLOWED_ONCE, false);
      case ApprovalAnswer.AllowAlways always -> allowAlways(request, always.scope());
      case ApprovalAnswer.Deny deny when deny.expired() ->
          new Denied(
              EXPIRED,
              "no rule allows "
                  + target
                  + " and nobody approved it within "
                  + humane(Objects.requireNonNull(mode).hold()));
      case ApprovalAnswer.Deny deny when !gate.present() ->
          new Denied(
              NO_APPROVER,
              "no rule allows "
                  + target
                  + " and ask mode has no approver: start `corral server` to answer approvals,"
                  + " or allow it with `corral policy allow "
                  + ruleFor(request)
                  + "`");
      case ApprovalAnswer.Deny deny -> new Denied(DENIED, "a human denied " + target);
      case ApprovalAnswer.Text text ->
          new Denied(DENIED, "the approval for " + target + " was answered with text, not allow");
      case ApprovalAnswer.Apply apply ->
          new Denied(DENIED, "the approval for " + target + " was answered with apply, not allow");
    };
  }

  private Allowed allowAlways(EgressRequest request, ApprovalAnswer.Scope scope) {
    String rule = ruleFor(request);
    remember(rule);
    if (scope != ApprovalAnswer.Scope.SANDBOX) {
      try {
        Objects.requireNonNull(mode).writer().allow(rule, scope);
      } catch (RuntimeException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "cannot write the approved rule '"
                + rule
                + "' ("
                + scope
                + "); it applies to sandbox "
                + sandbox
                + " only: "
                + e.getMessage());
      }
    }
    return new Allowed(
        "ask: allowed always "
            + rule
            + " ("
            + scope.name().toLowerCase(java.util.Locale.ROOT)
            + ")",
        false);
  }

  private synchronized void remember(String rule) {
    always.add(EgressRule.parse(rule, EgressRule.Action.ALLOW, "approved for sandbox " + sandbox));
    remembered = RulePolicy.of(always);
  }

  /** The rule an "allow always" answer writes: the host, with the port unless it is 80 or 443. */
  static String ruleFor(EgressRequest request) {
    return EgressRule.DEFAULT_PORTS.contains(request.port())
        ? request.host()
        : request.host() + ":" + request.port();
  }

  private static String humane(Duration hold) {
    return hold.toMillis() % 1000 == 0 ? hold.toSeconds() + " s" : hold.toMillis() + " ms";
  }

  /** One approval and how many requests wait on it. Guarded by the asker. */
  private static final class Pending {
    final CompletableFuture<ApprovalAnswer> answer;
    CompletableFuture<EgressDecision> decided = new CompletableFuture<>();
    @Nullable CompletableFuture<ApprovalAnswer> gate;
    int waiters;

    Pending(CompletableFuture<ApprovalAnswer> answer) {
      this.answer = answer;
    }
  }

  /** One request waiting on an approval. */
  final class Waiter {
    private final String key;
    private final Pending pending;
    private boolean left;

    private Waiter(String key, Pending pending) {
      this.key = key;
      this.pending = pending;
    }

    /** Completes with the decision (on a thread of the gateway's resolver executor). */
    CompletableFuture<EgressDecision> decision() {
      return pending.decided;
    }

    /** The request is gone (its client closed); the last one to leave withdraws the approval. */
    void leave() {
      synchronized (Asker.this) {
        if (left) {
          return;
        }
        left = true;
        pending.waiters--;
        if (pending.waiters == 0 && !pending.decided.isDone()) {
          Asker.this.pending.remove(key, pending);
          pending.answer.cancel(false); // decides "withdrawn", which withdraws the approval
        }
      }
    }
  }
}
