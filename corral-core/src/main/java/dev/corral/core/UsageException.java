package dev.corral.core;

import org.jspecify.annotations.Nullable;

/** Invalid command-line input: a bad flag value, conflicting flags, a bad name. Exit code 2. */
public final class UsageException extends CorralException {
  public UsageException(String message) {
    this(message, null, null);
  }

  public UsageException(String message, @Nullable String hint) {
    this(message, hint, null);
  }

  public UsageException(String message, @Nullable String hint, @Nullable Throwable cause) {
    super(message, hint, cause);
  }
}
