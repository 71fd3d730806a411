package dev.corral.egress;

import dev.corral.core.ConfigException;
import dev.corral.core.UsageException;
import dev.corral.egress.EgressRule.Action;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of one sandbox's policy, gathered from their sources in a fixed order: the agent's
 * built-in bundles, the user config, the project's {@code corral.toml} {@code [network]}, the
 * command line ({@code --allow}, {@code --deny}). Every source can add allow rules; a deny rule
 * from any source wins over every allow rule (see {@link RulePolicy}). The order only decides which
 * rule a decision names when several apply, and the order {@code corral policy show --effective}
 * lists them in.
 *
 * <p>Immutable: each {@code with…} method returns a copy with that source replaced, so hot reload
 * re-reads one file and swaps its layer; rules are parsed eagerly, so a bad edit fails there and
 * the previous instance stays in force. Thread-safe.
 */
public final class PolicySources {

  /** The sources, in precedence order. */
  public enum Layer {
    AGENT,
    USER_CONFIG,
    PROJECT,
    COMMAND_LINE
  }

  private final ServiceCatalog catalog;
  private final Map<Layer, List<EgressRule>> layers;

  private PolicySources(ServiceCatalog catalog, Map<Layer, List<EgressRule>> layers) {
    this.catalog = catalog;
    this.layers = layers;
  }

  /** No rules yet: a policy that denies everything. */
  public static PolicySources of(ServiceCatalog catalog) {
    return new PolicySources(catalog, new EnumMap<>(Layer.class));
  }

  /**
   * The agent preset's bundles, e.g. {@code ["claude"]}.
   *
   * @throws UsageException for an unknown bundle, listing the known ones
   */
  public PolicySources withAgentBundles(List<String> names) {
    List<EgressRule> rules = new ArrayList<>();
    names.forEach(name -> rules.addAll(catalog.expand("@" + name, Action.ALLOW, "agent")));
    return with(Layer.AGENT, rules);
  }

  /**
   * An agent preset's rules: hosts and {@code @bundles}, with {@code origin} (e.g. {@code agent
   * claude}) as the origin of plain rules.
   *
   * @throws UsageException naming the rule
   */
  public PolicySources withAgentRules(String origin, List<String> allow) {
    List<EgressRule> rules = new ArrayList<>();
    allow.forEach(text -> rules.addAll(catalog.expand(text, Action.ALLOW, origin)));
    return with(Layer.AGENT, rules);
  }

  /**
   * The user config's {@code [network]} rules.
   *
   * @param file the file as users know it, e.g. {@code ~/.config/corral/config.toml}; rules carry
   *     it as their origin
   * @throws ConfigException naming the file, key and rule
   */
  public PolicySources withUserConfig(String file, List<String> allow, List<String> deny) {
    return with(Layer.USER_CONFIG, fileRules(file, allow, deny));
  }

  /**
   * The project's {@code corral.toml} {@code [network]} rules, once the user has trusted them.
   *
   * @param file the file as users know it, e.g. {@code corral.toml}
   * @throws ConfigException naming the file, key and rule
   */
  public PolicySources withProject(String file, List<String> allow, List<String> deny) {
    return with(Layer.PROJECT, fileRules(file, allow, deny));
  }

  /**
   * The {@code --allow} and {@code --deny} values; their origins are {@code "--allow"} and {@code
   * "--deny"}.
   *
   * @throws UsageException naming the rule
   */
  public PolicySources withCommandLine(List<String> allow, List<String> deny) {
    List<EgressRule> rules = new ArrayList<>();
    allow.forEach(text -> rules.addAll(catalog.expand(text, Action.ALLOW, "--allow")));
    deny.forEach(text -> rules.addAll(catalog.expand(text, Action.DENY, "--deny")));
    return with(Layer.COMMAND_LINE, rules);
  }

  /** Every rule, source by source in {@link Layer} order, each source in the order written. */
  public List<EgressRule> rules() {
    List<EgressRule> all = new ArrayList<>();
    for (Layer layer : Layer.values()) {
      all.addAll(layers.getOrDefault(layer, List.of()));
    }
    return List.copyOf(all);
  }

  /** The rules of one source. */
  public List<EgressRule> rules(Layer layer) {
    return layers.getOrDefault(layer, List.of());
  }

  /** The policy of all sources. */
  public RulePolicy policy() {
    return RulePolicy.of(rules());
  }

  private PolicySources with(Layer layer, List<EgressRule> rules) {
    Map<Layer, List<EgressRule>> copy = new EnumMap<>(Layer.class);
    copy.putAll(layers);
    copy.put(layer, List.copyOf(rules));
    return new PolicySources(catalog, copy);
  }

  private List<EgressRule> fileRules(String file, List<String> allow, List<String> deny) {
    List<EgressRule> rules = new ArrayList<>();
    rules.addAll(fileRules(file, "allow", allow, Action.ALLOW));
    rules.addAll(fileRules(file, "deny", deny, Action.DENY));
    return rules;
  }

  private List<EgressRule> fileRules(String file, String key, List<String> texts, Action action) {
    List<EgressRule> rules = new ArrayList<>();
    for (String text : texts) {
      try {
        rules.addAll(catalog.expand(text, action, file));
      } catch (UsageException e) {
        throw new ConfigException(
            file + ": [network] " + key + ": " + e.getMessage(), e.hint().orElse(null), e);
      }
    }
    return rules;
  }
}
