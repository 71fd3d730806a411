package dev.corral.server;

import dev.corral.core.HostPath;
import dev.corral.engine.AgentLaunch;
import java.util.List;
import java.util.Optional;

/**
 * How a task's agent runs: its preset's headless command with the prompt, its environment, install
 * and state mounts and egress (an {@link AgentLaunch}, like {@code corral run AGENT}). {@link
 * CatalogAgents} serves every preset of the catalog; {@link ShellAgent} only {@code shell}.
 * Implementations are thread-safe.
 */
public interface AgentCommands {

  /**
   * Checks at submit time that {@code agent} can run a task on {@code backend}.
   *
   * @throws dev.corral.core.UsageException if no preset is called {@code agent} (listing the known
   *     ones) or it has no headless form
   * @throws dev.corral.core.EnvironmentException if it is not installed where it would run
   */
  void check(String agent, Optional<String> backend);

  /** How {@code agent} runs headless on {@code prompt} in {@code workspace} on {@code backend}. */
  AgentLaunch launch(String agent, String prompt, HostPath workspace, Optional<String> backend);

  /** The names of the known presets. */
  List<String> names();

  /** Host paths no task sandbox may see (the host's own agent state and settings). */
  default List<HostPath> hidden() {
    return List.of();
  }
}
