package dev.corral.server;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard under {@code /ui/}: static HTML, CSS and ES modules from this JAR (no build step),
 * xterm.js from its WebJar, and the login that turns a server token into a session cookie. Every
 * file is listed here by name; nothing else on the class path can be reached through it.
 */
final class Dashboard {
  static final String LOGIN = "/ui/login";
  private static final String WEBJAR = "/META-INF/resources/webjars/xterm/";
  private static final String XTERM_VERSION = "4.9.0";

  /** Served name → class-path resource and content type. */
  private static final Map<String, String[]> FILES =
      Map.ofEntries(
          Map.entry("app.js", new String[] {"dashboard/app.js", "text/javascript"}),
          Map.entry("api.js", new String[] {"dashboard/api.js", "text/javascript"}),
          Map.entry("dom.js", new String[] {"dashboard/dom.js", "text/javascript"}),
          Map.entry("pages.js", new String[] {"dashboard/pages.js", "text/javascript"}),
          Map.entry("task.js", new String[] {"dashboard/task.js", "text/javascript"}),
          Map.entry("review.js", new String[] {"dashboard/review.js", "text/javascript"}),
          Map.entry("approvals.js", new String[] {"dashboard/approvals.js", "text/javascript"}),
          Map.entry("style.css", new String[] {"dashboard/style.css", "text/css"}),
          Map.entry(
              "xterm.js",
              new String[] {WEBJAR + XTERM_VERSION + "/lib/xterm.js", "text/javascript"}),
          Map.entry(
              "xterm.css", new String[] {WEBJAR + XTERM_VERSION + "/css/xterm.css", "text/css"}));

  private final DashboardSessions sessions;
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

  Dashboard(DashboardSessions sessions) {
    this.sessions = sessions;
  }

  /** Paths that need no session or token: the login page and the static files. */
  static boolean isPublic(String path) {
    return path.equals(LOGIN)
        || path.startsWith("/ui/static/")
        || path.equals("/ui/")
        || path.equals("/ui")
        || path.equals("/")
        || path.equals("/favicon.ico");
  }

  void register(RoutesConfig routes) {
    routes.get("/", ctx -> ctx.redirect("/ui/"));
    routes.get("/ui/", this::index);
    routes.get(LOGIN, ctx -> html(ctx, "dashboard/login.html"));
    routes.post(LOGIN, this::login);
    routes.post("/ui/logout", this::logout);
    routes.get("/ui/session", this::session);
    routes.get("/ui/static/{file}", this::file);
  }

  private void index(Context ctx) {
    if (sessions.find(ctx.cookie(DashboardSessions.COOKIE)).isEmpty()) {
      ctx.redirect(LOGIN);
      return;
    }
    html(ctx, "dashboard/index.html");
  }

  private void login(Context ctx) {
    // A login form posted from another site would log the victim into the attacker's server
    // account; browsers send Origin on every POST, so insist it is this server.
    if (!sameOrigin(ctx)) {
      throw new io.javalin.http.HttpResponseException(
          403, "cross-origin login refused: log in from this server's own /ui/login page");
    }
    String token = Optional.ofNullable(ctx.formParam("token")).orElse("");
    Optional<DashboardSessions.Session> session = sessions.login(token);
    if (session.isEmpty()) {
      // A fixed message: nothing from the request is echoed into the page.
      String page =
          new String(read("dashboard/login.html"), java.nio.charset.StandardCharsets.UTF_8)
              .replace("<!--error-->", "Invalid or revoked token.");
      ctx.status(401).header("Cache-Control", "no-store");
      ctx.contentType("text/html; charset=utf-8").result(page);
      return;
    }
    ctx.header("Set-Cookie", DashboardSessions.cookie(session.get()));
    ctx.redirect("/ui/", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  private void logout(Context ctx) {
    // Reached only through the CSRF check (it is not public).
    String id = ctx.cookie(DashboardSessions.COOKIE);
    if (id != null) {
      sessions.logout(id);
    }
    ctx.header("Set-Cookie", DashboardSessions.expiredCookie());
    ctx.status(204);
  }

  /** The CSRF token and who is logged in: readable only by this origin's scripts. */
  private void session(Context ctx) {
    DashboardSessions.Session session =
        sessions
            .find(ctx.cookie(DashboardSessions.COOKIE))
            .orElseThrow(() -> new io.javalin.http.HttpResponseException(401, "not logged in"));
    ctx.header("Cache-Control", "no-store");
    CorralServer.json(ctx, 200, Map.of("csrf", session.csrf(), "token", session.tokenId()));
  }

  private void file(Context ctx) {
    String[] file = FILES.get(ctx.pathParam("file"));
    if (file == null) {
      throw new io.javalin.http.HttpResponseException(
          404, "no such dashboard file: " + ctx.pathParam("file"));
    }
    ctx.header("Cache-Control", "no-cache");
    ctx.contentType(file[1] + "; charset=utf-8").result(read(file[0]));
  }

  private void html(Context ctx, String resource) {
    ctx.header("Cache-Control", "no-store");
    ctx.contentType("text/html; charset=utf-8").result(read(resource));
  }

  private byte[] read(String resource) {
    return cache.computeIfAbsent(
        resource,
        name -> {
          try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
            if (in == null) {
              throw new IllegalStateException(name + " is missing from the build");
            }
            return in.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** Whether the request's Origin (or, without one, Referer) is this server. */
  static boolean sameOrigin(Context ctx) {
    String self = "http://" + ctx.host();
    String origin = ctx.header("Origin");
    if (origin != null) {
      return origin.equals(self);
    }
    String referer = ctx.header("Referer");
    return referer != null && (referer.equals(self) || referer.startsWith(self + "/"));
  }
}
