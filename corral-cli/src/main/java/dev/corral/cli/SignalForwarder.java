package dev.corral.cli;

import dev.corral.core.SandboxProcess;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.jline.utils.Signals;
import org.jspecify.annotations.Nullable;

/**
 * While open, delivers the signals Corral receives to the sandbox instead of acting on them;
 * closing restores the previous handlers. Signals that arrive before the sandbox is known are held
 * and delivered once it is, so that a signal sent just as the sandbox starts is not lost (nor does
 * it end Corral without tearing the sandbox down). Thread-safe.
 */
final class SignalForwarder implements AutoCloseable {
  static final String HUP = "HUP";
  static final String INT = "INT";
  static final String TERM = "TERM";

  private static final System.Logger LOG = System.getLogger(SignalForwarder.class.getName());
  private static final Map<String, Integer> NUMBERS = Map.of(HUP, 1, INT, 2, TERM, 15);

  private final Map<String, Object> previous = new LinkedHashMap<>();
  private final AtomicReference<@Nullable SandboxProcess> target = new AtomicReference<>();
  private final Queue<String> pending = new ConcurrentLinkedQueue<>();

  private SignalForwarder() {}

  /** Catches {@code signals} now and holds them until {@link #forwardTo} names the sandbox. */
  static SignalForwarder catching(String... signals) {
    SignalForwarder forwarder = new SignalForwarder();
    for (String name : signals) {
      Object old =
          Signals.register(
              name,
              () -> {
                forwarder.pending.add(name);
                forwarder.deliverPending();
              });
      if (old != null) {
        forwarder.previous.put(name, old);
      }
    }
    return forwarder;
  }

  /** Catches {@code signals} and delivers them to {@code process}. */
  static SignalForwarder forward(SandboxProcess process, String... signals) {
    SignalForwarder forwarder = catching(signals);
    forwarder.forwardTo(process);
    return forwarder;
  }

  /** From now on signals go to {@code process}, starting with any held so far. */
  void forwardTo(SandboxProcess process) {
    target.set(process);
    deliverPending();
  }

  private void deliverPending() {
    SandboxProcess process = target.get();
    if (process == null) {
      return;
    }
    for (String name; (name = pending.poll()) != null; ) {
      try {
        process.signal(NUMBERS.getOrDefault(name, 0));
      } catch (RuntimeException e) {
        LOG.log(Level.DEBUG, "could not forward SIG" + name + " to the sandbox", e);
      }
    }
  }

  @Override
  public void close() {
    previous.forEach(Signals::unregister);
  }
}
