package dev.corral.egress;

import dev.corral.core.EgressDecision;
import dev.corral.core.EgressRequest;
import dev.corral.core.SandboxId;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One client connection on a sandbox's listener: whose it is, which policy applies, and whether it
 * is over the sandbox's connection limit.
 */
record Session(
    SandboxId sandbox, Supplier<Policy> policy, Services services, Asker asker, boolean overLimit) {

  private static final System.Logger LOG = System.getLogger(Session.class.getName());

  /** Starts an exchange for {@code request}, refused up front when the limit or policy says so. */
  Exchange open(EgressRequest request) {
    if (overLimit) {
      Exchange exchange = new Exchange(request, limitDecision(), services.trail());
      exchange.refuse(new Refusal(limitDecision(), Refusal.Kind.LIMIT));
      return exchange;
    }
    EgressDecision decision;
    try {
      decision = policy.get().decide(request);
    } catch (RuntimeException e) {
      // Fail closed: a broken policy denies rather than letting traffic through.
      LOG.log(System.Logger.Level.WARNING, "egress policy failed for " + request, e);
      decision = new EgressDecision.Denied("policy error", "the policy failed: " + e.getMessage());
    }
    if (asker.applies(request, decision)) {
      Optional<EgressDecision.Allowed> remembered = asker.remembered(request);
      if (remembered.isPresent()) {
        return new Exchange(request, remembered.get(), services.trail());
      }
      // Held: the dialer waits for the approval's decision before it resolves anything.
      Exchange held =
          new Exchange(
              request,
              new EgressDecision.Denied(
                  Asker.WITHDRAWN, "the client left before the approval was answered"),
              services.trail());
      held.awaitApproval(asker.ask(request));
      return held;
    }
    Exchange exchange = new Exchange(request, decision, services.trail());
    if (decision instanceof EgressDecision.Denied denied) {
      exchange.refuse(new Refusal(denied, Refusal.Kind.POLICY));
    }
    return exchange;
  }

  /** Makes the session of each new connection on one listener. */
  record Factory(SandboxId sandbox, Supplier<Policy> policy, Services services, Asker asker) {
    Session create(boolean overLimit) {
      return new Session(sandbox, policy, services, asker, overLimit);
    }
  }

  GatewaySettings settings() {
    return services.settings();
  }

  private EgressDecision.Denied limitDecision() {
    return new EgressDecision.Denied(
        Refusal.LIMIT_RULE,
        "sandbox "
            + sandbox
            + " has "
            + services.settings().maxConnectionsPerSandbox()
            + " open connections, the limit");
  }
}
