package dev.corral.server;

import dev.corral.api.Problem;
import dev.corral.core.CommandException;
import dev.corral.core.ConfigException;
import dev.corral.core.ConflictException;
import dev.corral.core.CorralException;
import dev.corral.core.EnvironmentException;
import dev.corral.core.NotFoundException;
import dev.corral.core.SandboxException;
import dev.corral.core.UsageException;

/** The one mapping from Corral's errors to HTTP statuses and problem bodies. */
final class Problems {
  static final String TYPE_BASE = "https://corral.dev/problems/";

  private Problems() {}

  static int status(CorralException e) {
    return switch (e) {
      case UsageException u -> 400;
      case ConfigException c -> 422;
      case NotFoundException n -> 404;
      case ConflictException c -> 409;
      case CommandException c -> 422;
      case EnvironmentException en -> 503;
      case SandboxException s -> 500;
    };
  }

  static String kind(CorralException e) {
    return switch (e) {
      case UsageException u -> "invalid-request";
      case ConfigException c -> "invalid-configuration";
      case NotFoundException n -> "not-found";
      case ConflictException c -> "conflict";
      case CommandException c -> "command-failed";
      case EnvironmentException en -> "unavailable";
      case SandboxException s -> "sandbox-failed";
    };
  }

  static Problem of(CorralException e) {
    return new Problem(
        TYPE_BASE + kind(e),
        title(status(e)),
        status(e),
        String.valueOf(e.getMessage()),
        e.hint().orElse(null));
  }

  static Problem of(int status, String detail) {
    return new Problem(TYPE_BASE + slug(status), title(status), status, detail, null);
  }

  static String title(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 413 -> "Content Too Large";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Content";
      case 501 -> "Not Implemented";
      case 503 -> "Service Unavailable";
      default -> status >= 500 ? "Internal Server Error" : "Error";
    };
  }

  private static String slug(int status) {
    return switch (status) {
      case 401 -> "unauthorized";
      case 404 -> "not-found";
      case 405 -> "method-not-allowed";
      case 413 -> "too-large";
      case 415 -> "unsupported-media-type";
      default -> status >= 500 ? "internal" : "invalid-request";
    };
  }
}
