package dev.corral.server;

import dev.corral.core.AgentPreset;
import dev.corral.core.EgressRules;
import dev.corral.core.HostPath;
import dev.corral.core.UsageException;
import dev.corral.engine.AgentLaunch;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Only the scripted agent: {@code shell} runs the prompt as a POSIX shell script ({@code sh -c}).
 * For tests and embedders without an agent catalog; {@code corral server} uses {@link
 * CatalogAgents}.
 */
public final class ShellAgent implements AgentCommands {
  private static final AgentPreset SHELL =
      new AgentPreset(
          "shell",
          "runs the prompt with sh -c",
          List.of(),
          List.of(),
          List.of(),
          List.of("sh", "-c", AgentPreset.PROMPT),
          AgentPreset.Install.NONE,
          List.of(),
          List.of(),
          List.of(),
          List.of(),
          Map.of(),
          List.of(),
          "");

  @Override
  public void check(String agent, Optional<String> backend) {
    if (!agent.equals("shell")) {
      throw new UsageException(
          "unknown agent '" + agent + "'", "known agents: " + String.join(", ", names()));
    }
  }

  @Override
  public AgentLaunch launch(
      String agent, String prompt, HostPath workspace, Optional<String> backend) {
    check(agent, backend);
    return new AgentLaunch(
        SHELL,
        SHELL.headless(prompt),
        Map.of(),
        List.of(),
        new EgressRules.Layer("agent shell", EgressRules.Kind.AGENT, List.of(), List.of()),
        Optional.empty(),
        Optional.empty(),
        List.of());
  }

  @Override
  public List<String> names() {
    return List.of("shell");
  }
}
