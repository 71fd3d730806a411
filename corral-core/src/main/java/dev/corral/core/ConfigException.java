package dev.corral.core;

import org.jspecify.annotations.Nullable;

/** An invalid configuration file; the message names the file, line and key. Exit code 3. */
public final class ConfigException extends CorralException {
  public ConfigException(String message) {
    this(message, null, null);
  }

  public ConfigException(String message, @Nullable String hint) {
    this(message, hint, null);
  }

  public ConfigException(String message, @Nullable String hint, @Nullable Throwable cause) {
    super(message, hint, cause);
  }
}
