package dev.corral.cli;

import dev.corral.core.SandboxProcess;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jline.utils.Signals;

/**
 * While open, delivers the signals Corral receives to the sandbox instead of acting on them;
 * closing restores the previous handlers.
 */
final class SignalForwarder implements AutoCloseable {
  static final String HUP = "HUP";
  static final String INT = "INT";
  static final String TERM = "TERM";

  private static final System.Logger LOG = System.getLogger(SignalForwarder.class.getName());
  private static final Map<String, Integer> NUMBERS = Map.of(HUP, 1, INT, 2, TERM, 15);

  private final Map<String, Object> previous = new LinkedHashMap<>();

  private SignalForwarder() {}

  static SignalForwarder forward(SandboxProcess process, String... signals) {
    SignalForwarder forwarder = new SignalForwarder();
    for (String name : signals) {
      int number = NUMBERS.getOrDefault(name, 0);
      Object old = Signals.register(name, () -> deliver(process, name, number));
      if (old != null) {
        forwarder.previous.put(name, old);
      }
    }
    return forwarder;
  }

  private static void deliver(SandboxProcess process, String name, int number) {
    try {
      process.signal(number);
    } catch (RuntimeException e) {
      LOG.log(Level.DEBUG, "could not forward SIG" + name + " to the sandbox", e);
    }
  }

  @Override
  public void close() {
    previous.forEach(Signals::unregister);
  }
}
