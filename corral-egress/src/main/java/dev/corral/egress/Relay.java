package dev.corral.egress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.ReferenceCountUtil;

/**
 * Copies bytes from its channel to the peer, counting them, with backpressure: auto-read is off;
 * each read batch is written to the peer without a flush per buffer and flushed once when the batch
 * ends, and the next read is requested only while the peer is writable (below its write-buffer high
 * water mark). A peer that fills up parks the reads until its writability comes back.
 */
// Netty reports failed writes and closes through the pipeline (exceptionCaught, closeFuture);
// the futures of fire-and-forget writes, reads and closes are deliberately not kept.
@SuppressWarnings("FutureReturnValueIgnored")
final class Relay extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger(Relay.class.getName());

  /**
   * Largest single read on gateway channels (Netty's default adaptive allocator stops at 64 KiB).
   */
  static final int MAX_READ = 256 * 1024;

  /**
   * Receive buffers for the accepted and dialed channels: adaptive (small for request heads,
   * growing while reads fill the buffer) up to {@link #MAX_READ}. Stateless, so one instance is
   * shared.
   */
  static final RecvByteBufAllocator READS = new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ);

  private final Channel peer;
  private final Exchange exchange;
  private final boolean upstreamBound;
  private boolean unflushed;

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
    peer.write(bytes).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    unflushed = true;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (unflushed) {
      unflushed = false;
      peer.flush();
    }
    if (peer.isActive() && peer.isWritable()) {
      ctx.read();
    }
    ctx.fireChannelReadComplete();
  }

  /** The peer feeds this channel's writes: when this channel drains, the peer may read again. */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && peer.isActive()) {
      peer.read();
    }
    ctx.fireChannelWritabilityChanged();
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
