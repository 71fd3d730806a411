package dev.corral.egress;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/** Builds the pipeline of each connection accepted on one sandbox's listener. */
final class ClientInitializer extends ChannelInitializer<Channel> {
  /** The client's idle timeout handler (paused while a request waits for an approval). */
  static final String IDLE = "idle";

  static final String IDLE_CLOSE = "idle-close";

  private final Session.Factory sessions;
  private final ChannelGroup live;
  private final ConnectionSlots slots;

  ClientInitializer(Session.Factory sessions, ChannelGroup live, ConnectionSlots slots) {
    this.sessions = sessions;
    this.live = live;
    this.slots = slots;
  }

  @Override
  protected void initChannel(Channel channel) {
    live.add(channel);
    boolean admitted = slots.tryAcquire();
    if (admitted) {
      channel.closeFuture().addListener(f -> slots.release());
    }
    Session session = sessions.create(!admitted);
    GatewaySettings settings = session.settings();
    channel
        .pipeline()
        .addLast(
            IDLE,
            new IdleStateHandler(0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
        .addLast(IDLE_CLOSE, IdleCloser.INSTANCE)
        .addLast(
            HeadDeadline.NAME, new HeadDeadline(settings.headTimeout(), session.sandbox().value()))
        .addLast("detect", new ProtocolDetector(session));
  }
}
