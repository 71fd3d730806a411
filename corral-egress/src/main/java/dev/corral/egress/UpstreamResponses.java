package dev.corral.egress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;

/** Hands what an upstream HTTP server answers to the {@link HttpForward} that asked. */
// The close future is watched through channelInactive.
@SuppressWarnings("FutureReturnValueIgnored")
final class UpstreamResponses extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger(UpstreamResponses.class.getName());

  private final HttpForward forward;

  UpstreamResponses(HttpForward forward) {
    this.forward = forward;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpObject response) {
      forward.onResponse(ctx.channel(), response);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    forward.upstreamReadComplete(ctx.channel());
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    forward.onUpstreamClosed(ctx.channel());
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.log(System.Logger.Level.DEBUG, "upstream HTTP connection failed", cause);
    ctx.close();
  }
}
