package dev.corral.client;

import dev.corral.api.Problem;

/**
 * The server refused a request, or could not be reached; {@link #problem()} is the server's problem
 * body (for an unreachable server, a synthetic one with status 0).
 */
public final class CorralApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Problem problem;

  public CorralApiException(Problem problem, @org.jspecify.annotations.Nullable Throwable cause) {
    super(problem.detail(), cause);
    this.problem = problem;
  }

  public Problem problem() {
    return problem;
  }

  /** The HTTP status, or 0 when the server could not be reached. */
  public int status() {
    return problem.status();
  }
}
