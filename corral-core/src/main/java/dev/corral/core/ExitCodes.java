package dev.corral.core;

/**
 * The exit codes of the {@code corral} command. A command that ran in a sandbox passes its own exit
 * code through (128 + N when a signal N ended it); the codes below are Corral's own and are
 * documented in {@code docs/exit-codes.md}.
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int USAGE = 2;
  public static final int CONFIG = 3;
  public static final int ENVIRONMENT = 4;
  public static final int MISSING = 5;
  public static final int CONFLICT = 6;
  public static final int TIMEOUT = 124;
  public static final int SANDBOX_FAILURE = 125;
  public static final int NOT_EXECUTABLE = 126;
  public static final int NOT_FOUND = 127;

  private ExitCodes() {}

  /** The one mapping from Corral's errors to exit codes. */
  public static int of(CorralException e) {
    return switch (e) {
      case UsageException u -> USAGE;
      case ConfigException c -> CONFIG;
      case EnvironmentException en -> ENVIRONMENT;
      case SandboxException s -> SANDBOX_FAILURE;
      case CommandException c -> c.notFound() ? NOT_FOUND : NOT_EXECUTABLE;
      case NotFoundException n -> MISSING;
      case ConflictException c -> CONFLICT;
    };
  }
}
