package dev.corral.cli;

import dev.corral.core.ConfigSource;
import dev.corral.core.CorralDirs;
import dev.corral.core.EgressAdmin;
import dev.corral.core.EventSink;
import dev.corral.core.HostPath;
import dev.corral.core.ProjectTrust;
import dev.corral.engine.Engine;
import dev.corral.workspace.Workspaces;
import java.util.Map;
import java.util.function.Function;

/**
 * Everything the {@code corral} commands need from the process they run in, so that the same
 * commands run in {@code main} and in tests.
 *
 * @param engines creates the engine, given the sink that renders its events; called only by
 *     commands that need backends (so {@code --help} and {@code version} stay fast)
 * @param config loads the configuration files that apply to a workspace
 * @param egress reads and changes the egress policy and reads the audit log ({@code corral policy},
 *     {@code corral egress})
 * @param trust which project files the user trusted ({@code corral trust})
 * @param workingDirectory the directory relative paths and the default workspace resolve against
 * @param env the environment of the {@code corral} process (used for {@code PATH}, {@code TERM} and
 *     {@code --env NAME} without a value)
 * @param streams how standard input and output are connected
 * @param version Corral's version, e.g. {@code 0.1.0}
 * @param dirs where Corral keeps its files (agent state lives under {@code data})
 * @param workspaces the clone workspaces ({@code --workspace-mode clone}, {@code corral diff},
 *     {@code merge}, {@code apply}, {@code rm}, {@code ls})
 */
public record CliContext(
    Function<EventSink, Engine> engines,
    ConfigSource config,
    EgressAdmin egress,
    ProjectTrust trust,
    HostPath workingDirectory,
    Map<String, String> env,
    CliStreams streams,
    String version,
    CorralDirs dirs,
    Workspaces workspaces) {

  public CliContext {
    env = Map.copyOf(env);
  }

  /** A context whose agent state and clone workspaces live under the current user's directories. */
  public CliContext(
      Function<EventSink, Engine> engines,
      ConfigSource config,
      EgressAdmin egress,
      ProjectTrust trust,
      HostPath workingDirectory,
      Map<String, String> env,
      CliStreams streams,
      String version) {
    this(
        engines,
        config,
        egress,
        trust,
        workingDirectory,
        env,
        streams,
        version,
        CorralDirs.current(),
        new Workspaces(CorralDirs.current()));
  }
}
