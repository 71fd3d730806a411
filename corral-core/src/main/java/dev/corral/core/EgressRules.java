package dev.corral.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The egress rules a sandbox asked for, by source, as written (parsing and checking belong to the
 * egress gateway). Layers are ordered from lowest to highest precedence: built-in agent bundles,
 * user configuration, project configuration, command line; a deny rule in any layer wins.
 *
 * @param layers the sources, lowest precedence first
 * @param resolve host name overrides, {@code host -> address}, for internal hosts and tests
 * @param ask ask mode: when present, a request no rule decides is held for up to this long while a
 *     human is asked (an {@link ApprovalRequest.Host}); when empty such requests are denied
 */
public record EgressRules(List<Layer> layers, Map<String, String> resolve, Optional<Duration> ask) {

  /** How long ask mode holds a request when no hold time is configured. */
  public static final Duration DEFAULT_ASK_HOLD = Duration.ofSeconds(60);

  /**
   * Rules from one source.
   *
   * @param origin where they come from, e.g. {@code /home/u/app/corral.toml} or {@code --allow}
   * @param kind which precedence layer
   * @param allow allow rules
   * @param deny deny rules
   */
  public record Layer(String origin, Kind kind, List<String> allow, List<String> deny) {
    public Layer {
      allow = List.copyOf(allow);
      deny = List.copyOf(deny);
    }
  }

  /** The precedence layers, lowest first. */
  public enum Kind {
    AGENT,
    USER,
    PROJECT,
    COMMAND_LINE
  }

  public static final EgressRules NONE = new EgressRules(List.of(), Map.of());

  public EgressRules {
    layers = List.copyOf(layers);
    resolve = Map.copyOf(resolve);
    if (ask.isPresent() && (ask.get().isNegative() || ask.get().isZero())) {
      throw new UsageException(
          "invalid egress ask hold time " + ask.get() + ": must be positive",
          "write a duration like 60s or 5m");
    }
  }

  /** Rules without ask mode: what no rule allows is denied. */
  public EgressRules(List<Layer> layers, Map<String, String> resolve) {
    this(layers, resolve, Optional.empty());
  }

  /** The same rules with ask mode {@code value} (empty: off). */
  public EgressRules withAsk(Optional<Duration> value) {
    return new EgressRules(layers, resolve, value);
  }

  /** Whether any layer allows anything. */
  public boolean allowsAnything() {
    return layers.stream().anyMatch(l -> !l.allow().isEmpty());
  }
}
