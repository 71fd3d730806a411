package dev.corral.egress;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.util.concurrent.Future;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Peeks at the TLS ClientHello of a tunnel to port 443 and closes the tunnel when its server name
 * differs from the host the tunnel was opened to (domain fronting around the policy). A ClientHello
 * without a server name passes. Removes itself once satisfied; the buffered bytes then flow on.
 */
// Netty reports failed writes and closes through the pipeline (exceptionCaught, closeFuture);
// the futures of fire-and-forget writes, reads and closes are deliberately not kept.
@SuppressWarnings("FutureReturnValueIgnored")
final class SniGuard extends AbstractSniHandler<Boolean> {
  private static final System.Logger LOG = System.getLogger(SniGuard.class.getName());

  private final Exchange exchange;

  SniGuard(Exchange exchange, long timeoutMillis) {
    super(timeoutMillis);
    this.exchange = exchange;
  }

  @Override
  protected Future<Boolean> lookup(ChannelHandlerContext ctx, @Nullable String hostname) {
    return ctx.executor().newSucceededFuture(hostname == null || matches(hostname));
  }

  @Override
  protected void onLookupComplete(
      ChannelHandlerContext ctx, @Nullable String hostname, Future<Boolean> future) {
    if (Boolean.TRUE.equals(future.getNow())) {
      ctx.pipeline().remove(this);
      return;
    }
    String reason =
        "sni mismatch: the TLS ClientHello names "
            + hostname
            + " but the tunnel was opened to "
            + exchange.request().host();
    exchange.refuse(Refusal.of(Refusal.Kind.SNI, Refusal.SNI_RULE, reason));
    LOG.log(System.Logger.Level.INFO, "sandbox " + exchange.request().sandbox() + ": " + reason);
    ctx.close();
  }

  private boolean matches(String hostname) {
    String name = hostname.toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    return name.equals(exchange.request().host());
  }
}
