package dev.corral.egress;

import dev.corral.core.EgressRequest;
import dev.corral.core.UsageException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The SOCKS5 side of a client connection: no-auth only, CONNECT only (to a domain name, IPv4 or
 * IPv6 address); BIND and UDP ASSOCIATE are answered "command not supported".
 */
// Netty reports failed writes and closes through the pipeline (exceptionCaught, closeFuture);
// the futures of fire-and-forget writes, reads and closes are deliberately not kept.
@SuppressWarnings("FutureReturnValueIgnored")
final class SocksFront extends ChannelInboundHandlerAdapter {
  private static final String DECODER = "socks-decoder";
  private static final String ENCODER = "socks-encoder";
  private static final String NAME = "socks-front";
  private static final System.Logger LOG = System.getLogger(SocksFront.class.getName());

  private final Session session;
  private final EarlyBytes early = new EarlyBytes();
  private @Nullable Exchange tunnel;

  private SocksFront(Session session) {
    this.session = session;
  }

  static void install(ChannelPipeline pipeline, Session session) {
    pipeline
        .addLast(DECODER, new Socks5InitialRequestDecoder())
        .addLast(ENCODER, Socks5ServerEncoder.DEFAULT)
        .addLast(NAME, new SocksFront(session));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (tunnel != null) {
      early.hold(msg);
    } else if (msg instanceof Socks5InitialRequest greeting) {
      greet(ctx, greeting);
    } else if (msg instanceof Socks5CommandRequest command) {
      command(ctx, command);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    // Once the tunnel is up these early bytes belong to the relay behind this handler.
    early.passOn(ctx);
  }

  private void greet(ChannelHandlerContext ctx, Socks5InitialRequest greeting) {
    if (greeting.decoderResult().isFailure()
        || !greeting.authMethods().contains(Socks5AuthMethod.NO_AUTH)) {
      LOG.log(System.Logger.Level.INFO, "sandbox " + session.sandbox() + ": bad SOCKS5 greeting");
      ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.pipeline().replace(DECODER, DECODER, new Socks5CommandRequestDecoder());
    ctx.writeAndFlush(new DefaultSocks5InitialResponse(Socks5AuthMethod.NO_AUTH));
    ctx.read();
  }

  private void command(ChannelHandlerContext ctx, Socks5CommandRequest command) {
    HeadDeadline.disarm(ctx);
    if (command.decoderResult().isFailure()) {
      reply(ctx, Socks5CommandStatus.FAILURE, true);
      return;
    }
    if (!command.type().equals(Socks5CommandType.CONNECT)) {
      LOG.log(
          System.Logger.Level.INFO,
          "sandbox " + session.sandbox() + ": unsupported SOCKS5 command " + command.type());
      reply(ctx, Socks5CommandStatus.COMMAND_UNSUPPORTED, true);
      return;
    }
    Exchange exchange;
    try {
      exchange =
          session.open(
              EgressRequest.connect(
                  session.sandbox(),
                  EgressRequest.Protocol.SOCKS5,
                  command.dstAddr(),
                  command.dstPort()));
    } catch (UsageException e) {
      reply(ctx, Socks5CommandStatus.FAILURE, true);
      return;
    }
    tunnel = exchange;
    ctx.channel().closeFuture().addListener(f -> exchange.finish());
    if (exchange.refusal().isPresent()) {
      reply(
          ctx,
          Socks5CommandStatus.valueOf((byte) exchange.refusal().get().kind().socksStatus),
          true);
      return;
    }
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
                  reply(
                      ctx,
                      Socks5CommandStatus.valueOf((byte) r.refusal().kind().socksStatus),
                      true);
                }
              }
            });
  }

  private void established(ChannelHandlerContext ctx, Exchange exchange, Channel upstream) {
    if (!ctx.channel().isActive()) {
      upstream.close();
      return;
    }
    reply(ctx, Socks5CommandStatus.SUCCESS, false)
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
                      List.of(DECODER, ENCODER, NAME),
                      session.settings());
                });
  }

  private static io.netty.channel.ChannelFuture reply(
      ChannelHandlerContext ctx, Socks5CommandStatus status, boolean close) {
    io.netty.channel.ChannelFuture written =
        ctx.writeAndFlush(
            new DefaultSocks5CommandResponse(status, Socks5AddressType.IPv4, "0.0.0.0", 0));
    if (close) {
      written.addListener(ChannelFutureListener.CLOSE);
    }
    return written;
  }
}
