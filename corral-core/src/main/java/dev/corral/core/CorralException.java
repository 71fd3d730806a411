package dev.corral.core;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Every failure Corral reports to a user. The hierarchy is closed so that the CLI maps it to exit
 * codes, and the server to HTTP statuses, in exactly one exhaustive {@code switch} each. The
 * message names the input that failed; {@link #hint()} says what to do next.
 */
public abstract sealed class CorralException extends RuntimeException
    permits UsageException,
        ConfigException,
        EnvironmentException,
        SandboxException,
        CommandException,
        NotFoundException,
        ConflictException {

  private final @Nullable String hint;

  protected CorralException(String message, @Nullable String hint, @Nullable Throwable cause) {
    super(message, cause);
    this.hint = hint;
  }

  /** The next step for the user, if there is a useful one. */
  public Optional<String> hint() {
    return Optional.ofNullable(hint);
  }
}
