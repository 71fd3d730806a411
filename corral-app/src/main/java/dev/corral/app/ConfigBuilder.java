package dev.corral.app;

import dev.corral.core.AgentCatalog;
import dev.corral.core.AgentPreset;
import dev.corral.core.CorralConfig;
import dev.corral.core.EgressRules;
import dev.corral.core.HostPath;
import dev.corral.core.Mount;
import dev.corral.core.ResourceLimits;
import dev.corral.core.ReviewLlm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Accumulates configuration files in order: a later file's value replaces an earlier one's, lists
 * grow, {@code [env]} entries merge. Starts from {@link CorralConfig#DEFAULT}.
 */
final class ConfigBuilder {
  @Nullable String backend;
  @Nullable String network;
  @Nullable String workspaceMode;
  @Nullable ReviewLlm reviewLlm;
  final List<EgressRules.Layer> egress = new ArrayList<>();
  final Map<String, String> resolve = new LinkedHashMap<>();

  /** The file being read and its layer; set by the source before each file. */
  EgressRules.Kind kind = EgressRules.Kind.USER;

  /**
   * Whether the file being read is a project file the user has not trusted: then its settings that
   * widen the sandbox are left out and named in {@link #ignored}.
   */
  boolean untrusted;

  /** What was left out of untrusted files, e.g. {@code "[network] allow"}. */
  final List<String> ignored = new ArrayList<>();

  final List<String> warnings = new ArrayList<>();

  @Nullable Duration timeout;
  @Nullable Boolean ask;
  @Nullable Duration askHold;
  ResourceLimits limits = CorralConfig.DEFAULT.limits();
  final Map<String, String> env = new LinkedHashMap<>();
  final List<Mount> mounts = new ArrayList<>();
  final List<HostPath> hidden = new ArrayList<>();

  /** The agent presets: the built-in catalog, then each file's {@code [agents.NAME]}. */
  final Map<String, AgentPreset> agents = new LinkedHashMap<>(BuiltIn.CATALOG.presets());

  /** Read once per process: the catalog is a resource of the jar. */
  private static final class BuiltIn {
    static final AgentCatalog CATALOG = AgentTables.builtIn();
  }

  CorralConfig build() {
    return new CorralConfig(
        Optional.ofNullable(backend),
        limits,
        env,
        mounts,
        hidden,
        Optional.ofNullable(network),
        Optional.ofNullable(timeout),
        new EgressRules(
            egress,
            resolve,
            Boolean.TRUE.equals(ask)
                ? Optional.of(askHold == null ? EgressRules.DEFAULT_ASK_HOLD : askHold)
                : Optional.empty()),
        warnings,
        new AgentCatalog(agents),
        Optional.ofNullable(workspaceMode),
        Optional.ofNullable(reviewLlm));
  }
}
