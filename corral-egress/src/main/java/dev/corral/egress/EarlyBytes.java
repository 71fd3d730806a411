package dev.corral.egress;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes a client sent after asking for a tunnel (CONNECT head, SOCKS request) but before the tunnel
 * is up. A front handler holds them while it dials, and passes them on to the relay behind it when
 * it is removed from the pipeline. Per connection, event loop only.
 */
final class EarlyBytes {
  private final List<ByteBuf> held = new ArrayList<>();

  /** Keeps raw bytes; anything else read meanwhile is released. */
  void hold(Object msg) {
    if (msg instanceof ByteBuf bytes) {
      held.add(bytes);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  /** Fires the held bytes down the pipeline from {@code ctx}, in order. */
  void passOn(ChannelHandlerContext ctx) {
    for (ByteBuf bytes : held) {
      ctx.fireChannelRead(bytes);
    }
    if (!held.isEmpty()) {
      ctx.fireChannelReadComplete();
    }
    held.clear();
  }
}
