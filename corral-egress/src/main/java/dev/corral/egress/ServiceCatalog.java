package dev.corral.egress;

import dev.corral.core.EnvironmentException;
import dev.corral.core.UsageException;
import dev.corral.egress.EgressRule.Action;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * The named service bundles ({@code claude}, {@code github}, {@code npm}, …) from the one catalog
 * file {@code dev/corral/egress/services.toml}. In any rule list, {@code @NAME} expands to the
 * bundle's rules with origin {@code "bundle NAME"}. Immutable and thread-safe.
 */
public final class ServiceCatalog {

  static final String RESOURCE = "services.toml";
  private static final String PREFIX = "@";

  /**
   * One bundle.
   *
   * @param name the name used after {@code @}
   * @param description what the bundle is for
   * @param rules the rule texts, in the catalog's order
   */
  public record Bundle(String name, String description, List<String> rules) {
    public Bundle {
      rules = List.copyOf(rules);
    }
  }

  private final Map<String, Bundle> bundles;

  private ServiceCatalog(Map<String, Bundle> bundles) {
    this.bundles = bundles;
  }

  /**
   * The catalog shipped with Corral.
   *
   * @throws EnvironmentException if the catalog is missing or broken (a packaging bug)
   */
  public static ServiceCatalog load() {
    try (InputStream in = ServiceCatalog.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new EnvironmentException(
            "the service catalog " + RESOURCE + " is missing", "reinstall Corral");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), RESOURCE);
    } catch (IOException e) {
      throw new EnvironmentException("cannot read the service catalog: " + e.getMessage(), null, e);
    }
  }

  /** Parses a catalog; every rule is checked, so a typo fails here, not at first use. */
  static ServiceCatalog parse(String toml, String source) {
    TomlParseResult result = Toml.parse(toml);
    if (result.hasErrors()) {
      throw new EnvironmentException(
          source + ": " + result.errors().getFirst(), "reinstall Corral");
    }
    Map<String, Bundle> bundles = new TreeMap<>();
    for (String name : result.keySet()) {
      TomlTable table = result.getTableOrEmpty(name);
      TomlArray rules = table.getArrayOrEmpty("rules");
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < rules.size(); i++) {
        texts.add(rules.getString(i));
      }
      Bundle bundle =
          new Bundle(name, Optional.ofNullable(table.getString("description")).orElse(""), texts);
      texts.forEach(text -> EgressRule.parse(text, Action.ALLOW, origin(name)));
      bundles.put(name, bundle);
    }
    return new ServiceCatalog(Map.copyOf(bundles));
  }

  /** Every bundle, by name. */
  public List<Bundle> bundles() {
    return bundles.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).toList();
  }

  /**
   * The bundle called {@code name}.
   *
   * @throws UsageException listing the known names if there is none
   */
  public Bundle bundle(String name) {
    Bundle bundle = bundles.get(name);
    if (bundle == null) {
      throw new UsageException(
          "unknown service bundle \"" + name + "\"",
          "known bundles: " + String.join(", ", bundles().stream().map(Bundle::name).toList()));
    }
    return bundle;
  }

  /**
   * Parses one entry of a rule list: {@code @NAME} expands to the bundle's rules (origin {@code
   * "bundle NAME"}), anything else is one {@link EgressRule}.
   *
   * @throws UsageException for an unknown bundle or a malformed rule
   */
  public List<EgressRule> expand(String text, Action action, String origin) {
    String trimmed = text.strip();
    if (!trimmed.startsWith(PREFIX)) {
      return List.of(EgressRule.parse(text, action, origin));
    }
    String name = trimmed.substring(PREFIX.length());
    return bundle(name).rules().stream()
        .map(rule -> EgressRule.parse(rule, action, origin(name)))
        .toList();
  }

  private static String origin(String name) {
    return "bundle " + name;
  }
}
