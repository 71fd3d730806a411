package dev.corral.server;

import dev.corral.core.AgentCatalog;
import dev.corral.core.AgentPreset;
import dev.corral.core.CorralDirs;
import dev.corral.core.EnvironmentException;
import dev.corral.core.HostPath;
import dev.corral.core.UsageException;
import dev.corral.engine.AgentLaunch;
import dev.corral.engine.HostInstall;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every preset of an agent catalog (Corral's {@code agents.toml} with the user's {@code
 * [agents.NAME]} on top) as a task agent, planned exactly like {@code corral run AGENT}: the host
 * install bound read-only (native) or built into the image (docker), the state shared by all of the
 * preset's runs persisted under {@code data/agents/NAME/shared}, {@code pass_env} variables from
 * the server's environment, the preset's egress rules; the command is its {@code prompt} template.
 * Immutable and thread-safe.
 */
public final class CatalogAgents implements AgentCommands {
  private final AgentCatalog catalog;
  private final CorralDirs dirs;
  private final Map<String, String> env;
  private final HostPath home;
  private final List<HostPath> userHidden;

  /**
   * @param env the server's environment ({@code PATH} finds host installs; {@code pass_env})
   * @param home the home directory of the user the server runs as
   */
  public CatalogAgents(
      AgentCatalog catalog, CorralDirs dirs, Map<String, String> env, HostPath home) {
    this(catalog, dirs, env, home, List.of());
  }

  /**
   * As above, with the paths the user hides from every sandbox ({@code [filesystem] hide} of their
   * own configuration) hidden from the server's sandboxes too.
   */
  public CatalogAgents(
      AgentCatalog catalog,
      CorralDirs dirs,
      Map<String, String> env,
      HostPath home,
      List<HostPath> userHidden) {
    this.catalog = catalog;
    this.dirs = dirs;
    this.env = Map.copyOf(env);
    this.home = home;
    this.userHidden = List.copyOf(userHidden);
  }

  @Override
  public void check(String agent, Optional<String> backend) {
    AgentPreset preset = preset(agent);
    preset.headless("");
    if (target(backend) == AgentLaunch.Target.NATIVE
        && preset.program().isPresent()
        && HostInstall.locate(preset, env).isEmpty()) {
      throw new EnvironmentException(
          agent
              + " is not installed on the server's host: "
              + preset.program().get()
              + " is not on the server's PATH",
          "install it with `"
              + preset.install().hint()
              + "` for the user the server runs as, or use backend docker");
    }
  }

  @Override
  public AgentLaunch launch(
      String agent, String prompt, HostPath workspace, Optional<String> backend) {
    return AgentLaunch.plan(
        preset(agent),
        new AgentLaunch.Request(
            AgentLaunch.Purpose.PROMPT, List.of(prompt), false, false, target(backend)),
        dirs,
        env,
        workspace,
        home);
  }

  @Override
  public List<String> names() {
    return catalog.names();
  }

  /**
   * The host's own agent state and settings, Corral's configuration, data and state directories,
   * and the user's own hidden paths, as for {@code corral run}: a hook planted there would run
   * outside any sandbox, and what the user hides stays hidden.
   */
  @Override
  public List<HostPath> hidden() {
    List<HostPath> hidden = new java.util.ArrayList<>(AgentLaunch.hostStatePaths(catalog, home));
    hidden.addAll(List.of(dirs.config(), dirs.data(), dirs.state()));
    hidden.addAll(userHidden);
    return hidden;
  }

  private AgentPreset preset(String agent) {
    return catalog
        .find(agent)
        .orElseThrow(
            () ->
                new UsageException(
                    "unknown agent '" + agent + "'",
                    "known agents: "
                        + String.join(", ", catalog.names().stream().sorted().toList())));
  }

  private static AgentLaunch.Target target(Optional<String> backend) {
    return backend.filter(b -> b.equals("docker")).isPresent()
        ? AgentLaunch.Target.CONTAINER
        : AgentLaunch.Target.NATIVE;
  }
}
