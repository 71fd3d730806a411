package dev.corral.server;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Optional;
import java.util.Set;

/**
 * Who may make a request: a bearer token (scripts, the CLI), or a dashboard session cookie with its
 * CSRF token on every state change. Runs before every handler and every WebSocket upgrade, sets the
 * security headers, and records who is asking ({@link #principal}). Thread-safe.
 */
final class RequestGuard {
  private static final Set<String> OPEN_PATHS = Set.of("/healthz");
  private static final String PRINCIPAL = "corral.principal";

  private final ServerTokens tokens;
  private final DashboardSessions sessions;

  RequestGuard(ServerTokens tokens, DashboardSessions sessions) {
    this.tokens = tokens;
    this.sessions = sessions;
  }

  void authenticate(Context ctx) {
    ctx.attribute("corral.start", System.nanoTime());
    SecurityHeaders.apply(ctx);
    String path = ctx.path();
    if (OPEN_PATHS.contains(path) || Dashboard.isPublic(path)) {
      return;
    }
    String header = ctx.header("Authorization");
    if (header == null) {
      Optional<DashboardSessions.Session> session =
          sessions.find(ctx.cookie(DashboardSessions.COOKIE));
      if (session.isPresent()) {
        checkBrowserRequest(ctx, session.get());
        ctx.attribute(PRINCIPAL, "dashboard (token " + session.get().tokenId() + ")");
        return;
      }
    }
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"corral\"");
      throw new HttpResponseException(
          401,
          "missing bearer token: send Authorization: Bearer TOKEN (see `corral server token`),"
              + " or log in to the dashboard at /ui/login");
    }
    Optional<String> id = tokens.identify(header.substring(7).strip());
    if (id.isEmpty()) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"corral\", error=\"invalid_token\"");
      throw new HttpResponseException(401, "invalid or revoked bearer token");
    }
    ctx.attribute(PRINCIPAL, "token " + id.get());
  }

  /**
   * A request authenticated by the session cookie, which the browser attaches by itself: every
   * state-changing request must carry the session's CSRF token, and a WebSocket (which cannot send
   * headers) must come from this origin and carry the token as {@code ?csrf=}.
   */
  private static void checkBrowserRequest(Context ctx, DashboardSessions.Session session) {
    boolean websocket = "websocket".equalsIgnoreCase(ctx.header("Upgrade"));
    if (websocket) {
      if (!Dashboard.sameOrigin(ctx) || !session.csrfMatches(ctx.queryParam("csrf"))) {
        throw new HttpResponseException(
            403, "cross-site WebSocket refused: open terminals from the dashboard itself");
      }
      return;
    }
    String method = ctx.method().name();
    boolean safe = method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
    if (!safe && !session.csrfMatches(ctx.header(DashboardSessions.CSRF_HEADER))) {
      throw new HttpResponseException(
          403,
          "missing or wrong CSRF token: send the "
              + DashboardSessions.CSRF_HEADER
              + " header with the value from GET /ui/session");
    }
  }

  /** Who made the request: {@code token tok-…} or {@code dashboard (token tok-…)}. */
  static String principal(Context ctx) {
    String principal = ctx.attribute(PRINCIPAL);
    return principal == null ? "unknown" : principal;
  }
}
