package dev.corral.egress;

import dev.corral.core.EgressDecision;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Resolves a destination off the event loop (unless the resolver knows it at once: {@link
 * Resolver#resolveNow}), pins and vets the address, and connects on the client channel's own event
 * loop with auto-read off, so that both ends of a relay share one thread.
 */
// Netty reports failed writes and closes through the pipeline (exceptionCaught, closeFuture);
// the futures of fire-and-forget writes, reads and closes are deliberately not kept.
@SuppressWarnings("FutureReturnValueIgnored")
final class Dialer {

  /** How a dial ended; delivered on the client channel's event loop. */
  sealed interface Outcome {
    record Connected(Channel upstream) implements Outcome {}

    record Refused(Refusal refusal) implements Outcome {}
  }

  private final Resolver resolver;
  private final AddressGuard guard;
  private final ExecutorService resolving;
  private final Transport transport;
  private final Duration connectTimeout;

  Dialer(
      Resolver resolver,
      AddressGuard guard,
      ExecutorService resolving,
      Transport transport,
      Duration connectTimeout) {
    this.resolver = resolver;
    this.guard = guard;
    this.resolving = resolving;
    this.transport = transport;
    this.connectTimeout = connectTimeout;
  }

  /**
   * Dials the exchange's destination for {@code client}; {@code upstreamHandler} is installed on
   * the new channel. {@code then} runs on the client's event loop; nothing runs if the gateway is
   * shutting down (the client is closed instead).
   */
  void dial(
      Channel client, Exchange exchange, ChannelHandler upstreamHandler, Consumer<Outcome> then) {
    EventLoop loop = client.eventLoop();
    Optional<Asker.Waiter> approval = exchange.takeApproval();
    if (approval.isPresent()) {
      awaitApproval(client, exchange, approval.get(), upstreamHandler, then);
      return;
    }
    String host = exchange.request().host();
    Optional<List<InetAddress>> known = resolver.resolveNow(host);
    if (known.isPresent()) {
      // No hop to a resolver thread; still deferred, so that `then` never runs inside dial().
      List<InetAddress> addresses = known.get();
      try {
        loop.execute(() -> vetAndConnect(client, exchange, addresses, upstreamHandler, then));
      } catch (RejectedExecutionException e) {
        client.close();
      }
      return;
    }
    try {
      resolving.execute(
          () -> {
            Outcome failed = null;
            List<InetAddress> addresses = List.of();
            try {
              addresses = resolver.resolve(host);
            } catch (UnknownHostException | RuntimeException e) {
              failed = unresolvable(host, e.getMessage());
            }
            Outcome resolutionFailure = failed;
            List<InetAddress> resolved = addresses;
            loop.execute(
                () -> {
                  if (resolutionFailure != null) {
                    then.accept(resolutionFailure);
                  } else {
                    vetAndConnect(client, exchange, resolved, upstreamHandler, then);
                  }
                });
          });
    } catch (RejectedExecutionException e) {
      client.close();
    }
  }

  /**
   * Waits (without blocking the event loop) for the approval of a held request, then dials it or
   * refuses it. A client that leaves while waiting withdraws its share of the approval. The idle
   * timeout is paused while the request is held: a hold longer than it must not cut the connection
   * the human is deciding about.
   */
  private void awaitApproval(
      Channel client,
      Exchange exchange,
      Asker.Waiter waiter,
      ChannelHandler upstreamHandler,
      Consumer<Outcome> then) {
    client.closeFuture().addListener(f -> waiter.leave());
    long idleMillis = pauseIdleTimeout(client);
    waiter
        .decision()
        .whenComplete(
            (decision, error) -> {
              try {
                client
                    .eventLoop()
                    .execute(
                        () -> {
                          if (!client.isActive()) {
                            return;
                          }
                          resumeIdleTimeout(client, idleMillis);
                          switch (decision) {
                            case EgressDecision.Allowed allowed -> {
                              exchange.approve(allowed);
                              dial(client, exchange, upstreamHandler, then);
                            }
                            case EgressDecision.Denied denied ->
                                then.accept(
                                    new Outcome.Refused(new Refusal(denied, Refusal.Kind.ASK)));
                            case null ->
                                then.accept(
                                    new Outcome.Refused(
                                        Refusal.of(
                                            Refusal.Kind.ASK,
                                            Asker.WITHDRAWN,
                                            "the approval was withdrawn")));
                          }
                        });
              } catch (RejectedExecutionException e) {
                client.close();
              }
            });
  }

  /** Removes the client's idle handler; returns its timeout (0 when it has none). */
  private static long pauseIdleTimeout(Channel client) {
    IdleStateHandler idle = client.pipeline().get(IdleStateHandler.class);
    if (idle == null) {
      return 0;
    }
    client.pipeline().remove(idle);
    return idle.getAllIdleTimeInMillis();
  }

  /**
   * Puts a fresh idle handler back where it was (a removed one cannot be restarted). Runs on the
   * client's event loop.
   */
  private static void resumeIdleTimeout(Channel client, long idleMillis) {
    ChannelPipeline pipeline = client.pipeline();
    if (idleMillis > 0 && pipeline.get(IdleStateHandler.class) == null) {
      pipeline.addBefore(
          ClientInitializer.IDLE_CLOSE,
          ClientInitializer.IDLE,
          new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
    }
  }

  private void vetAndConnect(
      Channel client,
      Exchange exchange,
      List<InetAddress> addresses,
      ChannelHandler upstreamHandler,
      Consumer<Outcome> then) {
    if (addresses.isEmpty()) {
      then.accept(unresolvable(exchange.request().host(), "no addresses"));
      return;
    }
    boolean privateTargets =
        exchange.policyDecision() instanceof EgressDecision.Allowed a && a.privateTargets();
    Optional<String> firstRefusal = Optional.empty();
    for (InetAddress address : addresses) {
      Optional<String> refusal = guard.refusal(address, privateTargets);
      if (refusal.isEmpty()) {
        exchange.pin(address);
        connect(client, exchange, address, upstreamHandler, then);
        return;
      }
      if (firstRefusal.isEmpty()) {
        exchange.pin(address);
        firstRefusal =
            Optional.of(
                exchange.request().host()
                    + " resolves to "
                    + address.getHostAddress()
                    + ", "
                    + refusal.get());
      }
    }
    then.accept(
        new Outcome.Refused(
            Refusal.of(Refusal.Kind.ADDRESS, Refusal.ADDRESS_RULE, firstRefusal.orElseThrow())));
  }

  private void connect(
      Channel client,
      Exchange exchange,
      InetAddress address,
      ChannelHandler upstreamHandler,
      Consumer<Outcome> then) {
    int port = exchange.request().port();
    ChannelFuture connecting =
        new Bootstrap()
            .group(client.eventLoop())
            .channel(transport.tcpClient())
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.RECVBUF_ALLOCATOR, Relay.READS)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
            .handler(upstreamHandler)
            .connect(new InetSocketAddress(address, port));
    connecting.addListener(
        (ChannelFuture f) -> {
          if (f.isSuccess()) {
            then.accept(new Outcome.Connected(f.channel()));
          } else {
            String why = f.cause() == null ? "cancelled" : f.cause().getMessage();
            then.accept(
                new Outcome.Refused(
                    Refusal.of(
                        Refusal.Kind.UNREACHABLE,
                        Refusal.UPSTREAM_RULE,
                        "cannot connect to "
                            + address.getHostAddress()
                            + ":"
                            + port
                            + ": "
                            + why)));
          }
        });
  }

  private static Outcome unresolvable(String host, @org.jspecify.annotations.Nullable String why) {
    return new Outcome.Refused(
        Refusal.of(
            Refusal.Kind.UNRESOLVABLE,
            Refusal.DNS_RULE,
            "cannot resolve " + host + (why == null || why.equals(host) ? "" : ": " + why)));
  }
}
