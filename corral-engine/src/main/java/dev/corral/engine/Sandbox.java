package dev.corral.engine;

import dev.corral.core.EgressPort;
import dev.corral.core.EventSink;
import dev.corral.core.SandboxEvent;
import dev.corral.core.SandboxOutcome;
import dev.corral.core.SandboxProcess;
import dev.corral.core.SandboxSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A started sandbox as the engine's callers see it: the backend's process plus the engine's own
 * policies (timeout, events). Close it to tear everything down.
 */
public final class Sandbox implements AutoCloseable {
  private final SandboxSpec spec;
  private final SandboxProcess process;
  private final EventSink events;
  private final EgressPort.@Nullable Lease egress;
  private final long startNanos = System.nanoTime();

  Sandbox(
      SandboxSpec spec,
      SandboxProcess process,
      EventSink events,
      EgressPort.@Nullable Lease egress) {
    this.spec = spec;
    this.process = process;
    this.events = events;
    this.egress = egress;
  }

  /** Hosts the egress gateway refused this sandbox so far ({@code host:port}), oldest first. */
  public List<String> deniedHosts() {
    return egress == null ? List.of() : egress.deniedHosts();
  }

  public SandboxSpec spec() {
    return spec;
  }

  public SandboxProcess process() {
    return process;
  }

  /**
   * Waits for the sandbox to end, killing it when its timeout runs out, and reports the outcome as
   * a {@link SandboxEvent.Finished} event.
   */
  public SandboxOutcome await() throws InterruptedException {
    SandboxOutcome outcome;
    Optional<Duration> timeout = spec.timeout();
    if (timeout.isPresent()) {
      Duration left = timeout.get().minusNanos(System.nanoTime() - startNanos);
      Optional<SandboxOutcome> ended = process.waitFor(left.isNegative() ? Duration.ZERO : left);
      if (ended.isPresent()) {
        outcome = ended.get();
      } else {
        process.kill();
        process.waitFor();
        outcome = new SandboxOutcome.TimedOut(timeout.get());
      }
    } else {
      outcome = process.waitFor();
    }
    if (outcome instanceof SandboxOutcome.LimitExceeded hit) {
      events.accept(new SandboxEvent.LimitHit(spec.id(), hit.limit(), hit.detail()));
    }
    events.accept(
        new SandboxEvent.Finished(
            spec.id(), outcome, Duration.ofNanos(System.nanoTime() - startNanos)));
    return outcome;
  }

  /** Tears the sandbox down, then closes its gateway listener; tries both. */
  @Override
  public void close() {
    try {
      process.close();
    } finally {
      if (egress != null) {
        egress.close();
      }
    }
  }
}
