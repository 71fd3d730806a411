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
 * @param network the network mode as written ({@code none} or {@code gateway}); empty lets Corral
 *     choose ({@code gateway} when some rule allows something, else {@code none})
 * @param timeout wall-clock limit for {@code corral run}, if any
 * @param egress the {@code [network]} rules of each file, with the file as origin
 * @param warnings one-line messages for the user about settings that were ignored, e.g. the network
 *     rules of a project file that is not trusted; the CLI prints them
 * @param agents the agent presets: Corral's catalog with the user's {@code [agents.NAME]} on top
 * @param workspaceMode the {@code [workspace]} mode as written ({@code "mount"} or {@code
 *     "clone"}); empty means mount
 * @param reviewLlm the user's {@code [review.llm]} table, if any; empty skips the LLM review
 */
public record CorralConfig(
    Optional<String> backend,
    ResourceLimits limits,
    Map<String, String> env,
    List<Mount> mounts,
    List<HostPath> hidden,
    Optional<String> network,
    Optional<Duration> timeout,
    EgressRules egress,
    List<String> warnings,
    AgentCatalog agents,
    Optional<String> workspaceMode,
    Optional<ReviewLlm> reviewLlm) {

  public static final CorralConfig DEFAULT =
      new CorralConfig(
          Optional.empty(),
          ResourceLimits.DEFAULT,
          Map.of(),
          List.of(),
          List.of(),
          Optional.empty(),
          Optional.empty(),
          EgressRules.NONE,
          List.of(),
          AgentCatalog.EMPTY,
          Optional.empty(),
          Optional.empty());

  public CorralConfig {
    env = Map.copyOf(env);
    mounts = List.copyOf(mounts);
    hidden = List.copyOf(hidden);
    warnings = List.copyOf(warnings);
  }

  /** A configuration without warnings. */
  public CorralConfig(
      Optional<String> backend,
      ResourceLimits limits,
      Map<String, String> env,
      List<Mount> mounts,
      List<HostPath> hidden,
      Optional<String> network,
      Optional<Duration> timeout,
      EgressRules egress) {
    this(backend, limits, env, mounts, hidden, network, timeout, egress, List.of());
  }

  /** A configuration without agent presets or workspace mode (mount mode). */
  public CorralConfig(
      Optional<String> backend,
      ResourceLimits limits,
      Map<String, String> env,
      List<Mount> mounts,
      List<HostPath> hidden,
      Optional<String> network,
      Optional<Duration> timeout,
      EgressRules egress,
      List<String> warnings) {
    this(
        backend,
        limits,
        env,
        mounts,
        hidden,
        network,
        timeout,
        egress,
        warnings,
        AgentCatalog.EMPTY,
        Optional.empty(),
        Optional.empty());
  }

  /** The same configuration with {@code value} as its agent presets. */
  public CorralConfig withAgents(AgentCatalog value) {
    return new CorralConfig(
        backend,
        limits,
        env,
        mounts,
        hidden,
        network,
        timeout,
        egress,
        warnings,
        value,
        workspaceMode,
        reviewLlm);
  }
}
