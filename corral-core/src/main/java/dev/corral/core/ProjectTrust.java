package dev.corral.core;

import java.util.Optional;

/**
 * Which content of a project's {@code corral.toml} the user has trusted. The agent can edit files
 * in its workspace, so the parts of a project file that widen the sandbox (network allow rules,
 * resolver overrides, mounts) apply only while the file's content is exactly what the user last
 * trusted with {@code corral trust}. Implementations keep a hash of the trusted content per project
 * file, and a copy of it to show what changed since. Thread-safe.
 */
public interface ProjectTrust {

  /**
   * The trust state of one project file.
   *
   * @param file the project file, {@code <workspace>/corral.toml}
   * @param current its content now; empty when there is no such file
   * @param trusted the content the user last trusted; empty when never trusted
   */
  record Status(HostPath file, Optional<String> current, Optional<String> trusted) {

    /** Whether the file exists and its content is the trusted one. */
    public boolean upToDate() {
      return current.isPresent() && current.equals(trusted);
    }
  }

  /**
   * The trust state of {@code workspace}'s project file.
   *
   * @throws EnvironmentException when the file or the trust store cannot be read
   */
  Status status(HostPath workspace);

  /**
   * Records {@code content} as the trusted content of {@code workspace}'s project file. Callers
   * pass the content they showed the user, so that a file changed in between is not trusted.
   *
   * @throws EnvironmentException when the trust store cannot be written
   */
  void trust(HostPath workspace, String content);
}
