package dev.corral.server;

import dev.corral.core.ApiToken;
import dev.corral.core.EnvironmentException;
import dev.corral.core.NotFoundException;
import dev.corral.core.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's bearer tokens. Only SHA-256 hashes are stored; a presented token is hashed and
 * looked up, so comparing never touches a stored secret. The first start writes one token to a
 * {@code 0600} file ({@code corral server token} prints it). Thread-safe.
 */
final class ServerTokens {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Store store;
  private final Clock clock;

  /** Hash → id of the active tokens: the fast path of every request. */
  private final java.util.Map<String, String> active = new ConcurrentHashMap<>();

  ServerTokens(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
    reload();
  }

  /**
   * Makes sure {@code tokenFile} holds a token the server accepts: creates one on the first start,
   * and re-registers the file's token if the store does not know it.
   */
  void bootstrap(Path tokenFile) {
    if (Files.exists(tokenFile)) {
      String token = read(tokenFile);
      String hash = sha256(token);
      if (store.tokens().stream().noneMatch(t -> t.sha256().equals(hash))) {
        store.addToken(new ApiToken(newId(), "default", hash, clock.instant(), Optional.empty()));
        reload();
      }
      return;
    }
    Created created = create("default");
    writePrivate(tokenFile, created.token());
  }

  /** Whether {@code presented} is an active token. */
  boolean accepts(String presented) {
    return active.containsKey(sha256(presented));
  }

  /** Whether the token with id {@code id} is still active (not revoked). */
  boolean isActive(String id) {
    return active.containsValue(id);
  }

  /** The id of the active token {@code presented}, if it is one. */
  Optional<String> identify(String presented) {
    return Optional.ofNullable(active.get(sha256(presented)));
  }

  record Created(ApiToken stored, String token) {}

  /** A new token; the caller shows {@link Created#token()} once, the store keeps its hash. */
  Created create(String name) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String token = "crl_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    ApiToken stored = new ApiToken(newId(), name, sha256(token), clock.instant(), Optional.empty());
    store.addToken(stored);
    active.put(stored.sha256(), stored.id());
    return new Created(stored, token);
  }

  List<ApiToken> list() {
    return store.tokens();
  }

  /** Revokes token {@code id}; requests with it fail from now on. */
  void revoke(String id) {
    if (!store.revokeToken(id)) {
      throw new NotFoundException(
          "no active token '" + id + "'", "list the tokens with GET /api/v1/tokens");
    }
    reload();
  }

  private void reload() {
    active.clear();
    store.tokens().stream().filter(ApiToken::active).forEach(t -> active.put(t.sha256(), t.id()));
  }

  static String read(Path tokenFile) {
    try {
      return Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot read the server token " + tokenFile + ": " + e.getMessage(),
          "check its permissions, or delete it to have the server create a new one");
    }
  }

  /**
   * Writes {@code token} to {@code file} with mode 0600 from the start (no window where it is
   * wider).
   */
  static void writePrivate(Path file, String token) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path temp =
          Files.createTempFile(
              file.toAbsolutePath().getParent(),
              ".token",
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(temp, token + "\n", StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot write the server token " + file + ": " + e.getMessage(),
          "check that the data directory is writable");
    }
  }

  private static String newId() {
    byte[] bytes = new byte[4];
    RANDOM.nextBytes(bytes);
    return "tok-" + HexFormat.of().formatHex(bytes);
  }

  static String sha256(String token) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
