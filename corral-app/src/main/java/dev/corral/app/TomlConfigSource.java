package dev.corral.app;

import dev.corral.core.ConfigException;
import dev.corral.core.ConfigSource;
import dev.corral.core.CorralConfig;
import dev.corral.core.CorralDirs;
import dev.corral.core.EgressRules;
import dev.corral.core.HostPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the user's {@code $XDG_CONFIG_HOME/corral/config.toml} and the project's {@code
 * <workspace>/corral.toml}, each optional, and merges them: the project file wins key by key, lists
 * ({@code filesystem.hide}, {@code filesystem.mounts}) are concatenated and {@code [env]} tables
 * merged. Unknown keys, wrong types, bad values and TOML syntax errors are {@link
 * dev.corral.core.ConfigException}s naming the file, line and key.
 *
 * <p>The agent can edit the project file, so its settings that widen the sandbox ({@code [network]
 * allow} and {@code resolve}, {@code [filesystem] mounts}) apply only while its content is the one
 * the user trusted ({@link TrustStore}); otherwise they are left out and the configuration carries
 * a warning. Stateless and thread-safe; the schema is documented in {@code docs/configuration.md}.
 */
public final class TomlConfigSource implements ConfigSource {
  /** The project's configuration file, in the workspace's root. */
  public static final String PROJECT_FILE = "corral.toml";

  private final Path userFile;
  private final TrustStore trust;

  TomlConfigSource(HostPath userFile, TrustStore trust) {
    this.userFile = userFile.path();
    this.trust = trust;
  }

  /**
   * The source for the user's configuration directory, {@code <config>/config.toml}, with the trust
   * store under {@code <data>/trust}.
   */
  public static TomlConfigSource of(CorralDirs dirs) {
    return new TomlConfigSource(
        dirs.config().resolve("config.toml"), new TrustStore(dirs.data().path().resolve("trust")));
  }

  /** The user's configuration file (which may not exist). */
  Path userFile() {
    return userFile;
  }

  TrustStore trust() {
    return trust;
  }

  /** The files whose change changes {@link #load}'s answer for {@code workspace}. */
  List<Path> files(HostPath workspace) {
    Path project = TrustStore.projectFile(workspace);
    return List.of(userFile, project, trust.hashFile(project));
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
    if (Files.exists(project) && !placeholder(project)) {
      // Hash and parse the same bytes, so a concurrent edit cannot slip in between.
      String content = read(project);
      boolean trusted = trust.trusts(workspace, content);
      config.untrusted = !trusted;
      TomlConfigFile.read(project, content, config);
      if (!config.ignored.isEmpty()) {
        config.warnings.add(warning(trust.status(workspace).trusted().isPresent()));
      }
    }
    return config.build();
  }

  static String warning(boolean trustedBefore) {
    return PROJECT_FILE
        + (trustedBefore ? " changed since you trusted it" : " is not trusted yet")
        + "; its network rules and mounts are ignored until you run corral trust";
  }

  /**
   * Whether {@code file} is an empty directory: the read-only placeholder a sandbox gets for an
   * absent corral.toml, left behind when its Corral was killed until the next run cleans up.
   */
  private static boolean placeholder(Path file) {
    if (!Files.isDirectory(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (var entries = Files.list(file)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read " + file + ": " + e.getMessage(), "check the file's permissions", e);
    }
  }
}
