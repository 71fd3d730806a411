package dev.corral.app;

import dev.corral.core.ConfigSource;
import dev.corral.core.CorralConfig;
import dev.corral.core.CorralDirs;
import dev.corral.core.EgressRules;
import dev.corral.core.HostPath;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the user's {@code $XDG_CONFIG_HOME/corral/config.toml} and the project's {@code
 * <workspace>/corral.toml}, each optional, and merges them: the project file wins key by key, lists
 * ({@code filesystem.hide}, {@code filesystem.mounts}) are concatenated and {@code [env]} tables
 * merged. Unknown keys, wrong types, bad values and TOML syntax errors are {@link
 * dev.corral.core.ConfigException}s naming the file, line and key. Stateless and thread-safe; the
 * schema is documented in {@code docs/configuration.md}.
 */
public final class TomlConfigSource implements ConfigSource {
  /** The project's configuration file, in the workspace's root. */
  public static final String PROJECT_FILE = "corral.toml";

  private final Path userFile;

  public TomlConfigSource(HostPath userFile) {
    this.userFile = userFile.path();
  }

  /** The source for the user's configuration directory, {@code <config>/config.toml}. */
  public static TomlConfigSource of(CorralDirs dirs) {
    return new TomlConfigSource(dirs.config().resolve("config.toml"));
  }

  /** The user's configuration file (which may not exist). */
  Path userFile() {
    return userFile;
  }

  @Override
  public CorralConfig load(HostPath workspace) {
    ConfigBuilder config = new ConfigBuilder();
    config.kind = EgressRules.Kind.USER;
    if (Files.exists(userFile)) {
      TomlConfigFile.read(userFile, config);
    }
    Path project = workspace.path().resolve(PROJECT_FILE);
    config.kind = EgressRules.Kind.PROJECT;
    if (Files.exists(project)) {
      TomlConfigFile.read(project, config);
    }
    return config.build();
  }
}
