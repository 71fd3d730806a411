package dev.corral.egress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Closes a client connection that has not finished sending a request head in time (slowloris). The
 * protocol handler removes it once a head is complete; HTTP keep-alive adds it back while waiting
 * for the next request.
 */
// Netty reports failed writes and closes through the pipeline (exceptionCaught, closeFuture);
// the futures of fire-and-forget writes, reads and closes are deliberately not kept.
@SuppressWarnings("FutureReturnValueIgnored")
final class HeadDeadline extends ChannelInboundHandlerAdapter {
  static final String NAME = "head-deadline";
  private static final System.Logger LOG = System.getLogger(HeadDeadline.class.getName());

  private final Duration timeout;
  private final String sandbox;
  private @Nullable ScheduledFuture<?> expiry;

  HeadDeadline(Duration timeout, String sandbox) {
    this.timeout = timeout;
    this.sandbox = sandbox;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      arm(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    arm(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (expiry != null) {
      expiry.cancel(false);
      expiry = null;
    }
  }

  private void arm(ChannelHandlerContext ctx) {
    if (expiry != null) {
      return;
    }
    expiry =
        ctx.executor()
            .schedule(
                () -> {
                  LOG.log(
                      System.Logger.Level.INFO,
                      "sandbox "
                          + sandbox
                          + ": closed a connection that sent no complete request within "
                          + timeout.toMillis()
                          + " ms");
                  ctx.channel().close();
                },
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
  }

  /** Removes the deadline from the pipeline of {@code ctx}, if it is there. */
  static void disarm(ChannelHandlerContext ctx) {
    if (ctx.pipeline().get(NAME) != null) {
      ctx.pipeline().remove(NAME);
    }
  }
}
