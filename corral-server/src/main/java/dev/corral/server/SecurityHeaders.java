package dev.corral.server;

import io.javalin.http.Context;

/**
 * Headers on every response: a strict Content-Security-Policy (only this origin's files; no inline
 * script or style, no eval, no framing, no plugins), no MIME sniffing, no referrer to other sites
 * (a same-origin one keeps the Origin header of form posts meaningful), no framing.
 */
final class SecurityHeaders {
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none';"
          + " form-action 'self'; frame-ancestors 'none'";

  private SecurityHeaders() {}

  static void apply(Context ctx) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "same-origin");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Cross-Origin-Opener-Policy", "same-origin");
  }
}
