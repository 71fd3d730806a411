package dev.corral.core;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where Corral keeps its files, following the XDG base directory specification.
 *
 * @param config user configuration ({@code $XDG_CONFIG_HOME/corral})
 * @param data persistent data ({@code $XDG_DATA_HOME/corral})
 * @param state logs and history ({@code $XDG_STATE_HOME/corral})
 * @param runtime per-sandbox runtime files, removed at teardown ({@code $XDG_RUNTIME_DIR/corral},
 *     else under the state dir)
 */
public record CorralDirs(HostPath config, HostPath data, HostPath state, HostPath runtime) {

  /** The directories for the given environment and home directory. */
  public static CorralDirs from(Map<String, String> env, HostPath home) {
    HostPath config = xdg(env, "XDG_CONFIG_HOME").orElse(home.resolve(".config")).resolve("corral");
    HostPath data =
        xdg(env, "XDG_DATA_HOME").orElse(home.resolve(".local/share")).resolve("corral");
    HostPath state =
        xdg(env, "XDG_STATE_HOME").orElse(home.resolve(".local/state")).resolve("corral");
    HostPath runtime =
        xdg(env, "XDG_RUNTIME_DIR").map(p -> p.resolve("corral")).orElse(state.resolve("run"));
    return new CorralDirs(config, data, state, runtime);
  }

  /**
   * The default data directory of {@code corral server} (store, token, task files): {@code
   * state/server}.
   */
  public HostPath serverData() {
    return state.resolve("server");
  }

  /** The directories of the current process. */
  public static CorralDirs current() {
    return from(System.getenv(), HostPath.of(System.getProperty("user.home")));
  }

  private static Optional<HostPath> xdg(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || !Path.of(value).isAbsolute()
        ? Optional.empty()
        : Optional.of(HostPath.of(value));
  }
}
