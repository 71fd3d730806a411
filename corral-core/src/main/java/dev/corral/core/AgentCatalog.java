package dev.corral.core;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent presets known to Corral: the built-in catalog with the user's {@code [agents.NAME]}
 * tables on top (a user table replaces the built-in preset of the same name). Immutable.
 */
public record AgentCatalog(Map<String, AgentPreset> presets) {
  public static final AgentCatalog EMPTY = new AgentCatalog(Map.of());

  public AgentCatalog {
    presets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(presets));
  }

  /** The catalog of {@code presets}, in order. */
  public static AgentCatalog of(List<AgentPreset> presets) {
    Map<String, AgentPreset> map = new LinkedHashMap<>();
    presets.forEach(p -> map.put(p.name(), p));
    return new AgentCatalog(map);
  }

  public Optional<AgentPreset> find(String name) {
    return Optional.ofNullable(presets.get(name));
  }

  /**
   * The preset named {@code name}.
   *
   * @throws UsageException naming the known presets when there is none
   */
  public AgentPreset require(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new UsageException(
                    "unknown agent '" + name + "'; known agents: " + String.join(", ", names()),
                    "run `corral agents` to list them, add your own as [agents."
                        + name
                        + "] in ~/.config/corral/config.toml, or run any command with"
                        + " `corral run -- "
                        + name
                        + "`"));
  }

  public List<String> names() {
    return List.copyOf(presets.keySet());
  }

  public Collection<AgentPreset> all() {
    return presets.values();
  }
}
