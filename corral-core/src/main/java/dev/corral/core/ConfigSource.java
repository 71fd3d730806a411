package dev.corral.core;

/** Loads the configuration that applies to a workspace. */
@FunctionalInterface
public interface ConfigSource {

  /**
   * Loads and merges the configuration files for {@code workspace}.
   *
   * @throws ConfigException naming the file, line and key of the first problem
   */
  CorralConfig load(HostPath workspace);
}
