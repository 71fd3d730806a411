package dev.corral.server;

import java.util.List;

/**
 * Turns a task's agent preset and prompt into the command its sandbox runs. The seam where the
 * agent presets ({@code agents.toml}) plug in; {@link ShellAgent} knows only {@code shell}.
 */
public interface AgentCommands {

  /**
   * The command for {@code agent} with {@code prompt}.
   *
   * @throws dev.corral.core.UsageException if no preset is called {@code agent}, listing the known
   *     ones
   */
  List<String> command(String agent, String prompt);

  /** The names of the known presets. */
  List<String> names();
}
