package dev.corral.egress;

import dev.corral.core.EgressRequest;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The HTTP side of a client connection: rejects malformed and origin-form requests, opens CONNECT
 * tunnels, and passes absolute-URI requests (and their bodies) on to {@link HttpForward}.
 */
// Netty reports failed writes and closes through the pipeline (exceptionCaught, closeFuture);
// the futures of fire-and-forget writes, reads and closes are deliberately not kept.
@SuppressWarnings("FutureReturnValueIgnored")
final class HttpFront extends ChannelInboundHandlerAdapter {
  static final String CODEC = "http-codec";
  static final String NAME = "http-front";
  static final String FORWARD = "http-forward";
  private static final System.Logger LOG = System.getLogger(HttpFront.class.getName());
  private static final int MAX_INITIAL_LINE = 8 * 1024;
  private static final int MAX_HEADERS = 16 * 1024;
  private static final int MAX_CHUNK = 64 * 1024;
  private static final HttpResponseStatus ESTABLISHED =
      new HttpResponseStatus(200, "Connection Established");

  private final Session session;
  private final EarlyBytes early = new EarlyBytes();
  private boolean forwarding;
  private @Nullable Exchange tunnel;

  private HttpFront(Session session) {
    this.session = session;
  }

  static void install(ChannelPipeline pipeline, Session session) {
    pipeline
        .addLast(CODEC, new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADERS, MAX_CHUNK))
        .addLast(NAME, new HttpFront(session))
        .addLast(FORWARD, new HttpForward(session));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (tunnel != null) {
      early.hold(msg);
    } else if (msg instanceof HttpRequest request) {
      onHead(ctx, request);
    } else if (msg instanceof HttpContent content && forwarding) {
      forwarding = !(content instanceof LastHttpContent);
      ctx.fireChannelRead(content);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    // Once the tunnel is up these early bytes belong to the relay behind this handler.
    early.passOn(ctx);
  }

  private void onHead(ChannelHandlerContext ctx, HttpRequest request) {
    if (request.decoderResult().isFailure()) {
      ReferenceCountUtil.release(request);
      malformed(ctx, request.decoderResult().cause());
      return;
    }
    HeadDeadline.disarm(ctx);
    String uri = request.uri();
    String lower = uri.toLowerCase(Locale.ROOT);
    if (request.method().equals(HttpMethod.CONNECT)) {
      connect(ctx, uri);
    } else if (lower.startsWith("http://")) {
      forwarding = !(request instanceof LastHttpContent);
      ctx.fireChannelRead(request);
    } else if (lower.startsWith("https://")) {
      reply(
          ctx,
          HttpResponseStatus.BAD_REQUEST,
          "corral: send https requests through a CONNECT tunnel (use an https:// URL with HTTPS_PROXY set)\n");
    } else {
      reply(
          ctx,
          HttpResponseStatus.BAD_REQUEST,
          "corral: this is the sandbox's egress proxy, not a web server. Send absolute-URI requests"
              + " (GET http://host/path) or CONNECT host:port, e.g. through HTTP_PROXY and"
              + " HTTPS_PROXY.\n");
    }
  }

  private void malformed(ChannelHandlerContext ctx, Throwable cause) {
    HttpResponseStatus status =
        switch (cause) {
          case TooLongHttpLineException e -> HttpResponseStatus.REQUEST_URI_TOO_LONG;
          case TooLongHttpHeaderException e -> HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
          default -> HttpResponseStatus.BAD_REQUEST;
        };
    LOG.log(
        System.Logger.Level.INFO,
        "sandbox " + session.sandbox() + ": malformed HTTP request (" + cause.getMessage() + ")");
    reply(ctx, status, "corral: malformed request: " + status.reasonPhrase() + "\n");
  }

  private void connect(ChannelHandlerContext ctx, String target) {
    Optional<Authority> authority = Authority.parse(target);
    if (authority.isEmpty()) {
      reply(
          ctx,
          HttpResponseStatus.BAD_REQUEST,
          "corral: CONNECT needs host:port, got '" + target + "'\n");
      return;
    }
    Exchange exchange =
        session.open(
            EgressRequest.connect(
                session.sandbox(),
                EgressRequest.Protocol.CONNECT,
                authority.get().host(),
                authority.get().port()));
    tunnel = exchange;
    ctx.channel().closeFuture().addListener(f -> exchange.finish());
    Optional<Refusal> refusal = exchange.refusal();
    if (refusal.isPresent()) {
      refuse(ctx, exchange, refusal.get());
      return;
    }
    HttpServerCodec codec = ctx.pipeline().get(HttpServerCodec.class);
    codec.removeInboundHandler();
    session
        .services()
        .dialer()
        .dial(
            ctx.channel(),
            exchange,
            new ChannelInboundHandlerAdapter(),
            outcome -> {
              switch (outcome) {
                case Dialer.Outcome.Connected c -> established(ctx, exchange, c.upstream());
                case Dialer.Outcome.Refused r -> {
                  exchange.refuse(r.refusal());
                  refuse(ctx, exchange, r.refusal());
                }
              }
            });
  }

  private void established(
      ChannelHandlerContext ctx, Exchange exchange, io.netty.channel.Channel upstream) {
    if (!ctx.channel().isActive()) {
      upstream.close();
      return;
    }
    ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, ESTABLISHED))
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    upstream.close();
                    return;
                  }
                  Tunnel.open(
                      ctx.channel(),
                      upstream,
                      exchange,
                      List.of(FORWARD, CODEC, NAME),
                      session.settings());
                });
  }

  private static void refuse(ChannelHandlerContext ctx, Exchange exchange, Refusal refusal) {
    ctx.writeAndFlush(Replies.refusal(exchange.request(), refusal))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private static void reply(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
    ctx.writeAndFlush(Replies.text(status, body)).addListener(ChannelFutureListener.CLOSE);
  }
}
