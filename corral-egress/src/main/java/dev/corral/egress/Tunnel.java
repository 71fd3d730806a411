package dev.corral.egress;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import java.util.List;

/** Turns a client connection whose CONNECT or SOCKS5 request succeeded into a byte relay. */
// Netty reports failed writes and closes through the pipeline (exceptionCaught, closeFuture);
// the futures of fire-and-forget writes, reads and closes are deliberately not kept.
@SuppressWarnings("FutureReturnValueIgnored")
final class Tunnel {
  static final int TLS_PORT = 443;

  private Tunnel() {}

  /**
   * Installs the SNI check (for port 443) and the relay behind the protocol handlers named {@code
   * front}, then removes those in order; bytes the client sent early flow on into the relay.
   */
  static void open(
      Channel client,
      Channel upstream,
      Exchange exchange,
      List<String> front,
      GatewaySettings settings) {
    ChannelPipeline pipeline = client.pipeline();
    if (exchange.request().port() == TLS_PORT) {
      pipeline.addLast("sni", new SniGuard(exchange, settings.headTimeout().toMillis()));
    }
    pipeline.addLast("relay", new Relay(upstream, exchange, true));
    for (String name : front) {
      if (pipeline.get(name) != null) {
        pipeline.remove(name);
      }
    }
    // Early bytes the removed handlers passed on are written; make sure they leave.
    upstream.flush();
    upstream.pipeline().addLast("relay", new Relay(client, exchange, false));
    upstream.closeFuture().addListener(f -> Relay.closeOnFlush(client));
    client.closeFuture().addListener(f -> upstream.close());
    if (!upstream.isActive()) {
      client.close();
    }
    client.read();
    upstream.read();
  }
}
