package dev.corral.core;

import java.nio.file.Path;

/** An absolute, normalized path as seen from inside a sandbox. */
public record SandboxPath(String value) {
  public SandboxPath {
    if (!value.startsWith("/")) {
      throw new UsageException("sandbox path must be absolute: " + value);
    }
    value = Path.of(value).normalize().toString();
  }

  public static SandboxPath of(String value) {
    return new SandboxPath(value);
  }

  /** The same path inside the sandbox as {@code host} has on the host. */
  public static SandboxPath sameAs(HostPath host) {
    return new SandboxPath(host.toString());
  }

  @Override
  public String toString() {
    return value;
  }
}
