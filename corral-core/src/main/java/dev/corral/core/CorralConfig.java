package dev.corral.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Settings merged from the user's {@code ~/.config/corral/config.toml} and the project's {@code
 * corral.toml} (the project file wins key by key; lists are concatenated). Command-line flags are
 * applied on top by the CLI.
 *
 * @param backend the backend to use; empty lets Corral choose
 * @param limits resource limits
 * @param env environment variables set inside the sandbox
 * @param mounts extra mounts
 * @param hidden extra host paths to hide, on top of the built-in credential list
 * @param network network mode
 * @param timeout wall-clock limit for {@code corral run}, if any
 */
public record CorralConfig(
    Optional<String> backend,
    ResourceLimits limits,
    Map<String, String> env,
    List<Mount> mounts,
    List<HostPath> hidden,
    NetworkMode network,
    Optional<Duration> timeout) {

  public static final CorralConfig DEFAULT =
      new CorralConfig(
          Optional.empty(),
          ResourceLimits.DEFAULT,
          Map.of(),
          List.of(),
          List.of(),
          NetworkMode.NONE,
          Optional.empty());

  public CorralConfig {
    env = Map.copyOf(env);
    mounts = List.copyOf(mounts);
    hidden = List.copyOf(hidden);
  }
}
