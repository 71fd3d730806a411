package dev.corral.core;

import org.jspecify.annotations.Nullable;

/**
 * The named task, sandbox or token does not exist (or no longer does). Exit code 5; HTTP 404 on the
 * server.
 */
public final class NotFoundException extends CorralException {
  public NotFoundException(String message, @Nullable String hint) {
    super(message, hint, null);
  }
}
