package dev.corral.egress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Copies bytes from its channel to the peer, counting them, with backpressure: auto-read is off and
 * the next read is requested only when the peer has taken the last write.
 */
// Netty reports failed writes and closes through the pipeline (exceptionCaught, closeFuture);
// the futures of fire-and-forget writes, reads and closes are deliberately not kept.
@SuppressWarnings("FutureReturnValueIgnored")
final class Relay extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger(Relay.class.getName());

  private final Channel peer;
  private final Exchange exchange;
  private final boolean upstreamBound;

  Relay(Channel peer, Exchange exchange, boolean upstreamBound) {
    this.peer = peer;
    this.exchange = exchange;
    this.upstreamBound = upstreamBound;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf bytes) || !peer.isActive()) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (upstreamBound) {
      exchange.up(bytes.readableBytes());
    } else {
      exchange.down(bytes.readableBytes());
    }
    peer.writeAndFlush(bytes)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess()) {
                    ctx.channel().read();
                  } else {
                    f.channel().close();
                  }
                });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closeOnFlush(peer);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.log(System.Logger.Level.DEBUG, "egress relay failed", cause);
    closeOnFlush(ctx.channel());
  }

  /** Closes {@code channel} once everything queued on it is written. */
  static void closeOnFlush(Channel channel) {
    if (channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
