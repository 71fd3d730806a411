package dev.corral.core;

import java.nio.file.Path;

/** An absolute, normalized path on the host. Distinct from {@link SandboxPath} on purpose. */
public record HostPath(Path path) {
  public HostPath {
    if (!path.isAbsolute()) {
      throw new UsageException("host path must be absolute: " + path);
    }
    path = path.normalize();
  }

  public static HostPath of(Path path) {
    return new HostPath(path.toAbsolutePath());
  }

  public static HostPath of(String path) {
    return of(Path.of(path));
  }

  /**
   * Parses a user-written path: {@code ~} and {@code ~/...} expand to the user's home, relative
   * paths resolve against the working directory.
   */
  public static HostPath expand(String text) {
    String home = System.getProperty("user.home");
    if (text.equals("~")) {
      return of(home);
    }
    if (text.startsWith("~/")) {
      return of(Path.of(home, text.substring(2)));
    }
    return of(text);
  }

  public HostPath resolve(String other) {
    return new HostPath(path.resolve(other));
  }

  public boolean startsWith(HostPath other) {
    return path.startsWith(other.path);
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
