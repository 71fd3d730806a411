package dev.corral.core;

/** A host directory or file made visible inside a sandbox. */
public record Mount(HostPath source, SandboxPath target, Access access) {

  /** Whether the sandbox may write through a mount. */
  public enum Access {
    READ_ONLY("ro"),
    READ_WRITE("rw");

    private final String label;

    Access(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }

    /** Parses {@code ro} or {@code rw}. */
    public static Access parse(String text) {
      return switch (text) {
        case "ro" -> READ_ONLY;
        case "rw" -> READ_WRITE;
        default -> throw new UsageException("invalid mount mode '" + text + "': use 'ro' or 'rw'");
      };
    }
  }

  /**
   * Parses {@code SOURCE[:TARGET][:ro|rw]} as given on the command line; the target defaults to the
   * source path and the mode to {@code ro}.
   */
  public static Mount parse(String text) {
    String[] parts = text.split(":", -1);
    if (parts.length == 0 || parts.length > 3 || parts[0].isEmpty()) {
      throw new UsageException(
          "invalid mount '" + text + "': use SOURCE[:TARGET][:ro|rw], e.g. ~/.m2:ro");
    }
    HostPath source = HostPath.expand(parts[0]);
    Access access = Access.READ_ONLY;
    SandboxPath target = SandboxPath.sameAs(source);
    if (parts.length == 2) {
      if (parts[1].equals("ro") || parts[1].equals("rw")) {
        access = Access.parse(parts[1]);
      } else {
        target = SandboxPath.of(parts[1]);
      }
    } else if (parts.length == 3) {
      target = SandboxPath.of(parts[1]);
      access = Access.parse(parts[2]);
    }
    return new Mount(source, target, access);
  }

  @Override
  public String toString() {
    return source + ":" + target + ":" + access.label();
  }
}
