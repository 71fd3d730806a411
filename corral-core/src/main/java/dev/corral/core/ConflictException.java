package dev.corral.core;

import org.jspecify.annotations.Nullable;

/**
 * The request is valid, but the object is not in a state that allows it: cancelling a task that
 * already ended, merging a task that has no diff, pausing on a backend that cannot pause. Exit code
 * 6; HTTP 409 on the server.
 */
public final class ConflictException extends CorralException {
  public ConflictException(String message, @Nullable String hint) {
    super(message, hint, null);
  }
}
