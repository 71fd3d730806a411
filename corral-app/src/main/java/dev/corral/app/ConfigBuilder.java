package dev.corral.app;

import dev.corral.core.CorralConfig;
import dev.corral.core.HostPath;
import dev.corral.core.Mount;
import dev.corral.core.NetworkMode;
import dev.corral.core.ResourceLimits;
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
  NetworkMode network = CorralConfig.DEFAULT.network();
  @Nullable Duration timeout;
  ResourceLimits limits = CorralConfig.DEFAULT.limits();
  final Map<String, String> env = new LinkedHashMap<>();
  final List<Mount> mounts = new ArrayList<>();
  final List<HostPath> hidden = new ArrayList<>();

  CorralConfig build() {
    return new CorralConfig(
        Optional.ofNullable(backend),
        limits,
        env,
        mounts,
        hidden,
        network,
        Optional.ofNullable(timeout));
  }
}
