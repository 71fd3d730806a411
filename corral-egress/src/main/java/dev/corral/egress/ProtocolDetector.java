package dev.corral.egress;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Looks at the first byte of a client connection: {@code 0x05} is a SOCKS5 greeting, anything else
 * is taken for HTTP/1.1. Replaces itself with that protocol's handlers; the bytes flow on.
 */
// Netty reports failed writes and closes through the pipeline (exceptionCaught, closeFuture);
// the futures of fire-and-forget writes, reads and closes are deliberately not kept.
@SuppressWarnings("FutureReturnValueIgnored")
final class ProtocolDetector extends ByteToMessageDecoder {
  private static final byte SOCKS5 = 0x05;

  private final Session session;

  ProtocolDetector(Session session) {
    this.session = session;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    super.channelActive(ctx);
    ctx.read();
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (!in.isReadable()) {
      return;
    }
    if (in.getByte(in.readerIndex()) == SOCKS5) {
      SocksFront.install(ctx.pipeline(), session);
    } else {
      HttpFront.install(ctx.pipeline(), session);
    }
    ctx.pipeline().remove(this);
  }
}
