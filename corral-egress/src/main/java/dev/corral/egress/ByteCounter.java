package dev.corral.egress;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import org.jspecify.annotations.Nullable;

/**
 * Counts the raw bytes on an upstream HTTP connection into the exchange currently using it. Sits
 * first in the upstream pipeline, below the HTTP codec.
 */
final class ByteCounter extends ChannelDuplexHandler {
  private @Nullable Exchange exchange;

  void countFor(Exchange current) {
    exchange = current;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (exchange != null && msg instanceof ByteBuf bytes) {
      exchange.down(bytes.readableBytes());
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    if (exchange != null && msg instanceof ByteBuf bytes) {
      exchange.up(bytes.readableBytes());
    }
    super.write(ctx, msg, promise);
  }
}
