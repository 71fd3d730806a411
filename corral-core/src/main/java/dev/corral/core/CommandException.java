package dev.corral.core;

/**
 * The command to run inside the sandbox cannot be started: not found (exit code 127) or not
 * executable (exit code 126), following the shell's conventions.
 */
public final class CommandException extends CorralException {
  private final boolean notFound;

  private CommandException(String message, String hint, boolean notFound) {
    super(message, hint, null);
    this.notFound = notFound;
  }

  public static CommandException notFound(String command, String path) {
    return new CommandException(
        "command not found in the sandbox: " + command,
        "the sandbox searched PATH=" + path + "; give a full path or install the command",
        true);
  }

  public static CommandException notExecutable(String command) {
    return new CommandException(
        "command is not executable: " + command, "check its permissions (chmod +x)", false);
  }

  public boolean notFound() {
    return notFound;
  }
}
