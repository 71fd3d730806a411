package dev.corral.core;

import java.util.List;
import java.util.Map;

/**
 * The egress rules a sandbox asked for, by source, as written (parsing and checking belong to the
 * egress gateway). Layers are ordered from lowest to highest precedence: built-in agent bundles,
 * user configuration, project configuration, command line; a deny rule in any layer wins.
 *
 * @param layers the sources, lowest precedence first
 * @param resolve host name overrides, {@code host -> address}, for internal hosts and tests
 */
public record EgressRules(List<Layer> layers, Map<String, String> resolve) {

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
  }

  /** Whether any layer allows anything. */
  public boolean allowsAnything() {
    return layers.stream().anyMatch(l -> !l.allow().isEmpty());
  }
}
