package dev.corral.core;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A bearer token of the Corral server as stored: only its SHA-256 hash, never the token itself.
 *
 * @param id a short public identifier, used to list and revoke the token
 * @param name what the token is for, chosen by whoever created it
 * @param sha256 the lower-case hex SHA-256 of the token
 * @param created when it was created
 * @param revoked when it was revoked, if it was
 */
public record ApiToken(
    String id, String name, String sha256, Instant created, Optional<Instant> revoked) {
  private static final Pattern ID = Pattern.compile("tok-[0-9a-f]{8}");
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

  public ApiToken {
    if (!ID.matcher(id).matches()) {
      throw new UsageException(
          "invalid token id '" + id + "'", "token ids look like tok-3f9a0c1b; see the token list");
    }
    if (name.isBlank() || name.length() > 100) {
      throw new UsageException("invalid token name: give 1 to 100 characters", null);
    }
    if (!HASH.matcher(sha256).matches()) {
      throw new IllegalArgumentException("not a SHA-256 hex digest");
    }
  }

  public boolean active() {
    return revoked.isEmpty();
  }
}
