package dev.corral.core;

import org.jspecify.annotations.Nullable;

/**
 * The host cannot do what was asked: no bubblewrap, user namespaces disabled, an unusable
 * workspace. Exit code 4.
 */
public final class EnvironmentException extends CorralException {
  public EnvironmentException(String message) {
    this(message, null, null);
  }

  public EnvironmentException(String message, @Nullable String hint) {
    this(message, hint, null);
  }

  public EnvironmentException(String message, @Nullable String hint, @Nullable Throwable cause) {
    super(message, hint, cause);
  }
}
