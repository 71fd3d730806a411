package dev.corral.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Dashboard logins: a browser that presented a valid server token gets a random session id in an
 * {@code HttpOnly}, {@code SameSite=Strict} cookie (the token itself never reaches JavaScript or a
 * cookie) and a separate CSRF token that its state-changing requests must echo in {@code
 * X-Corral-CSRF}. Sessions live in memory (a restart logs everyone out), end after 12 hours without
 * use, and end at once when their token is revoked. Thread-safe.
 */
final class DashboardSessions {
  static final String COOKIE = "corral_session";
  static final String CSRF_HEADER = "X-Corral-CSRF";
  static final Duration IDLE = Duration.ofHours(12);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A logged-in browser. */
  record Session(String id, String tokenId, String csrf, Instant lastUsed) {
    /** Whether {@code presented} is this session's CSRF token (constant-time comparison). */
    boolean csrfMatches(@Nullable String presented) {
      return presented != null
          && MessageDigest.isEqual(
              csrf.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }
  }

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final ServerTokens tokens;
  private final Clock clock;

  DashboardSessions(ServerTokens tokens, Clock clock) {
    this.tokens = tokens;
    this.clock = clock;
  }

  /** A new session for the holder of {@code token}, or empty when the token is not active. */
  Optional<Session> login(String token) {
    return tokens
        .identify(token.strip())
        .map(
            id -> {
              Session session = new Session(random(), id, random(), clock.instant());
              sessions.put(session.id(), session);
              return session;
            });
  }

  /** The live session with cookie value {@code id}; touching it extends its life. */
  Optional<Session> find(@Nullable String id) {
    if (id == null) {
      return Optional.empty();
    }
    Session session = sessions.get(id);
    if (session == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    if (session.lastUsed().plus(IDLE).isBefore(now) || !tokens.isActive(session.tokenId())) {
      sessions.remove(id);
      return Optional.empty();
    }
    Session touched = new Session(session.id(), session.tokenId(), session.csrf(), now);
    sessions.put(id, touched);
    return Optional.of(touched);
  }

  void logout(String id) {
    sessions.remove(id);
  }

  /** The {@code Set-Cookie} value that stores {@code session}. */
  static String cookie(Session session) {
    return COOKIE
        + "="
        + session.id()
        + "; Path=/; HttpOnly; SameSite=Strict; Max-Age="
        + IDLE.toSeconds();
  }

  /** The {@code Set-Cookie} value that removes the session cookie. */
  static String expiredCookie() {
    return COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
