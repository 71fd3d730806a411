package dev.corral.server;

import dev.corral.core.UsageException;
import java.util.List;

/** The scripted agent: {@code shell} runs the prompt as a POSIX shell script ({@code sh -c}). */
public final class ShellAgent implements AgentCommands {

  @Override
  public List<String> command(String agent, String prompt) {
    if (!agent.equals("shell")) {
      throw new UsageException(
          "unknown agent '" + agent + "'", "known agents: " + String.join(", ", names()));
    }
    return List.of("sh", "-c", prompt);
  }

  @Override
  public List<String> names() {
    return List.of("shell");
  }
}
