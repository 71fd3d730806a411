package dev.corral.egress;

import dev.corral.core.EgressRequest;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** What the gateway answers, in HTTP, when it will not or cannot relay a request. */
final class Replies {
  static final String DENIED_HEADER = "X-Corral-Denied";
  static final String DEFAULT_DENY = "default deny";

  private Replies() {}

  /** A refusal: 403, 429 or 502 with the deciding rule in a header and an explanation. */
  static FullHttpResponse refusal(EgressRequest request, Refusal refusal) {
    FullHttpResponse response =
        text(HttpResponseStatus.valueOf(refusal.kind().httpStatus), explain(request, refusal));
    response.headers().set(DENIED_HEADER, refusal.decision().rule());
    return response;
  }

  /** A plain-text answer that closes the connection. */
  static FullHttpResponse text(HttpResponseStatus status, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    response
        .headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }

  /** The one-paragraph explanation an agent can pass on to its user. */
  static String explain(EgressRequest request, Refusal refusal) {
    String target = Authority.hostForUrl(request.host()) + ":" + request.port();
    String rule = refusal.decision().rule();
    String reason = refusal.decision().reason();
    return switch (refusal.kind()) {
      case POLICY ->
          rule.equals(DEFAULT_DENY)
              ? "corral: egress to "
                  + target
                  + " denied by default deny. Allow it with: corral policy allow "
                  + target
                  + "\n"
              : "corral: egress to "
                  + target
                  + " denied by rule '"
                  + rule
                  + "' ("
                  + reason
                  + "). Deny rules win over allow rules; change that rule to allow it.\n";
      case ASK -> "corral: egress to " + target + " refused: " + reason + "\n";
      case ADDRESS, SNI -> "corral: egress to " + target + " refused: " + reason + "\n";
      case LIMIT -> "corral: " + reason + "; close some connections and retry\n";
      case UNRESOLVABLE, UNREACHABLE -> "corral: " + reason + "\n";
    };
  }
}
