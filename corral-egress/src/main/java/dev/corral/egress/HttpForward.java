package dev.corral.egress;

import dev.corral.core.EgressDecision;
import dev.corral.core.EgressRequest;
import dev.corral.core.UsageException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectDecoder;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Forwards absolute-URI requests of one client connection: decides each, rewrites it to origin
 * form, and streams it and its response with backpressure. Keeps one upstream connection and reuses
 * it while requests go to the same host and port; pipelined requests wait their turn.
 *
 * <p>Responses are written to the client without a flush per message and flushed once per upstream
 * read batch ({@link #upstreamReadComplete}); the upstream is read again only while the client
 * channel is writable, and resumed by {@link #channelWritabilityChanged} when it drains.
 */
// Netty reports failed writes and closes through the pipeline (exceptionCaught, closeFuture);
// the futures of fire-and-forget writes, reads and closes are deliberately not kept.
@SuppressWarnings("FutureReturnValueIgnored")
final class HttpForward extends ChannelInboundHandlerAdapter {
  /**
   * Largest body chunk the upstream codec emits: at least as large as one read, so that a read
   * batch becomes one content message (the decoder slices, it does not copy).
   */
  static final int UPSTREAM_MAX_CHUNK = Relay.MAX_READ;

  private final Session session;
  private final ArrayDeque<HttpObject> pending = new ArrayDeque<>();
  private final ArrayDeque<Object> backlog = new ArrayDeque<>();
  private @Nullable ChannelHandlerContext client;
  private @Nullable Channel upstream;
  private @Nullable ByteCounter counter;
  private String upstreamKey = "";
  private @Nullable Exchange current;
  private boolean requestComplete;
  private boolean keepAlive;
  private boolean interim;
  private boolean responseStarted;
  private boolean awaitingResponse;
  private boolean upstreamParked;

  HttpForward(Session session) {
    this.session = session;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    client = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (current != null && requestComplete) {
      backlog.add(msg);
    } else if (msg instanceof HttpRequest request) {
      onRequest(ctx, request);
    } else if (msg instanceof HttpContent content && current != null) {
      requestComplete = content instanceof LastHttpContent;
      send(content);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (current != null) {
      current.finish();
    }
    if (upstream != null) {
      upstream.close();
    }
    pending.forEach(ReferenceCountUtil::release);
    backlog.forEach(ReferenceCountUtil::release);
    pending.clear();
    backlog.clear();
    ctx.fireChannelInactive();
  }

  private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
    URI uri;
    EgressRequest egress;
    try {
      uri = new URI(request.uri());
      String host = uri.getHost() == null ? "" : uri.getHost().replace("[", "").replace("]", "");
      int port = uri.getPort() == -1 ? 80 : uri.getPort();
      String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
      egress =
          new EgressRequest(
              session.sandbox(),
              EgressRequest.Protocol.HTTP,
              host,
              port,
              Optional.of(request.method().name()),
              Optional.of(path));
      request.setUri(path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    } catch (URISyntaxException | UsageException e) {
      ReferenceCountUtil.release(request);
      ctx.writeAndFlush(
              Replies.text(
                  HttpResponseStatus.BAD_REQUEST,
                  "corral: cannot forward '" + request.uri() + "': " + e.getMessage() + "\n"))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    Exchange exchange = session.open(egress);
    current = exchange;
    requestComplete = request instanceof LastHttpContent;
    keepAlive = HttpUtil.isKeepAlive(request);
    responseStarted = false;
    Optional<Refusal> refusal = exchange.refusal();
    if (refusal.isPresent()) {
      ReferenceCountUtil.release(request);
      exchange.finish();
      ctx.writeAndFlush(Replies.refusal(egress, refusal.get()))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    HopByHop.strip(request.headers());
    String authority =
        Authority.hostForUrl(egress.host()) + (egress.port() == 80 ? "" : ":" + egress.port());
    request.headers().set(HttpHeaderNames.HOST, authority);
    String key = egress.host() + ":" + egress.port() + ":" + privateTargets(exchange);
    if (upstream != null
        && upstream.isActive()
        && key.equals(upstreamKey)
        && counter != null
        && !exchange.awaitingApproval()) {
      exchange.pin(((java.net.InetSocketAddress) upstream.remoteAddress()).getAddress());
      counter.countFor(exchange);
      send(request);
    } else {
      dial(ctx, exchange, key, request);
    }
  }

  private void dial(ChannelHandlerContext ctx, Exchange exchange, String key, HttpRequest request) {
    if (upstream != null) {
      upstream.close();
      upstream = null;
    }
    pending.add(request);
    ByteCounter bytes = new ByteCounter();
    bytes.countFor(exchange);
    ChannelInitializer<Channel> init =
        new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline()
                .addLast(
                    bytes,
                    new HttpClientCodec(
                        HttpObjectDecoder.DEFAULT_MAX_INITIAL_LINE_LENGTH,
                        HttpObjectDecoder.DEFAULT_MAX_HEADER_SIZE,
                        UPSTREAM_MAX_CHUNK),
                    new UpstreamResponses(HttpForward.this));
          }
        };
    session
        .services()
        .dialer()
        .dial(
            ctx.channel(),
            exchange,
            init,
            outcome -> {
              switch (outcome) {
                case Dialer.Outcome.Connected c -> connected(ctx, c.upstream(), bytes, key);
                case Dialer.Outcome.Refused r -> {
                  exchange.refuse(r.refusal());
                  exchange.finish();
                  current = null;
                  ctx.writeAndFlush(Replies.refusal(exchange.request(), r.refusal()))
                      .addListener(ChannelFutureListener.CLOSE);
                }
              }
            });
  }

  private void connected(
      ChannelHandlerContext ctx, Channel channel, ByteCounter bytes, String key) {
    if (!ctx.channel().isActive()) {
      channel.close();
      return;
    }
    upstream = channel;
    counter = bytes;
    upstreamKey = key;
    while (!pending.isEmpty()) {
      send(pending.poll());
    }
  }

  private void send(HttpObject msg) {
    Channel target = upstream;
    if (target == null) {
      pending.add(msg);
      return;
    }
    boolean head = msg instanceof HttpRequest;
    target
        .writeAndFlush(msg)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    f.channel().close();
                  } else if (!requestComplete && client != null) {
                    client.read();
                  }
                });
    if (head) {
      awaitingResponse = true;
      target.read();
    }
  }

  void onResponse(Channel from, HttpObject msg) {
    ChannelHandlerContext ctx = client;
    if (upstream == null || !upstream.equals(from) || current == null || ctx == null) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse response) {
      responseStarted = true;
      interim = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
      if (!interim) {
        keepAlive = keepAlive && HttpUtil.isKeepAlive(response);
        HopByHop.strip(response.headers());
        HttpUtil.setKeepAlive(response, keepAlive);
      }
    }
    boolean last = msg instanceof LastHttpContent;
    boolean end = last && !interim;
    if (last) {
      interim = false;
    }
    if (end) {
      // Flushed at once: the last message may come from the codec on channelInactive, with no
      // read-complete to follow.
      awaitingResponse = false;
      ctx.writeAndFlush(msg).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
      responseComplete(ctx);
    } else {
      ctx.write(msg).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }
  }

  /**
   * Ends an upstream read batch: flushes what it produced to the client and reads on while the
   * response is incomplete and the client channel is writable; otherwise parks until it drains.
   */
  void upstreamReadComplete(Channel from) {
    ChannelHandlerContext ctx = client;
    if (ctx == null || upstream == null || !upstream.equals(from)) {
      return;
    }
    ctx.flush();
    if (!awaitingResponse) {
      return;
    }
    if (ctx.channel().isWritable()) {
      from.read();
    } else {
      upstreamParked = true;
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Channel from = upstream;
    if (upstreamParked && ctx.channel().isWritable() && from != null) {
      upstreamParked = false;
      if (awaitingResponse) {
        from.read();
      }
    }
    ctx.fireChannelWritabilityChanged();
  }

  void onUpstreamClosed(Channel channel) {
    if (upstream == null || !upstream.equals(channel)) {
      return;
    }
    upstream = null;
    awaitingResponse = false;
    upstreamParked = false;
    ChannelHandlerContext ctx = client;
    if (current != null && ctx != null) {
      if (!responseStarted) {
        ctx.writeAndFlush(
            Replies.text(
                HttpResponseStatus.BAD_GATEWAY,
                "corral: "
                    + current.request().host()
                    + " closed the connection without answering\n"));
      }
      Relay.closeOnFlush(ctx.channel());
    }
  }

  private void responseComplete(ChannelHandlerContext ctx) {
    Exchange done = current;
    if (done != null) {
      done.finish();
    }
    current = null;
    if (!keepAlive) {
      Relay.closeOnFlush(ctx.channel());
      return;
    }
    while (!backlog.isEmpty() && !(current != null && requestComplete)) {
      channelRead(ctx, backlog.poll());
    }
    if (current == null) {
      ctx.pipeline()
          .addBefore(
              HttpFront.CODEC,
              HeadDeadline.NAME,
              new HeadDeadline(session.settings().headTimeout(), session.sandbox().value()));
      ctx.read();
    }
  }

  private static boolean privateTargets(Exchange exchange) {
    return exchange.policyDecision() instanceof EgressDecision.Allowed a && a.privateTargets();
  }
}
