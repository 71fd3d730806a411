package dev.corral.engine;

import dev.corral.core.EventSink;
import dev.corral.core.SandboxEvent;
import dev.corral.core.SandboxOutcome;
import dev.corral.core.SandboxProcess;
import dev.corral.core.SandboxSpec;
import java.time.Duration;
import java.util.Optional;

/**
 * A started sandbox as the engine's callers see it: the backend's process plus the engine's own
 * policies (timeout, events). Close it to tear everything down.
 */
public final class Sandbox implements AutoCloseable {
  private final SandboxSpec spec;
  private final SandboxProcess process;
  private final EventSink events;
  private final long startNanos = System.nanoTime();

  Sandbox(SandboxSpec spec, SandboxProcess process, EventSink events) {
    this.spec = spec;
    this.process = process;
    this.events = events;
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

  @Override
  public void close() {
    process.close();
  }
}
