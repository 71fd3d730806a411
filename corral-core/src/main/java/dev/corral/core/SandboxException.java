package dev.corral.core;

import org.jspecify.annotations.Nullable;

/** Corral failed while creating, running or tearing down a sandbox. Exit code 125. */
public final class SandboxException extends CorralException {
  public SandboxException(String message) {
    this(message, null, null);
  }

  public SandboxException(String message, @Nullable String hint) {
    this(message, hint, null);
  }

  public SandboxException(String message, @Nullable String hint, @Nullable Throwable cause) {
    super(message, hint, cause);
  }
}
