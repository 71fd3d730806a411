package dev.corral.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The tunnel-rate load generator of the egress benchmark, run in a JVM of its own so that its
 * client threads do not share the gateway's JVM (heap, GC, JIT) and no proxy is favoured: {@code
 * clients} threads loop {@link Route#fetch} on new connections, first for {@code warm-up} ms
 * (uncounted), then for {@code seconds}. Prints {@code ok COUNT NANOS} or {@code fail MESSAGE}.
 *
 * <p>Arguments: {@code MODE PROXY HOST UPSTREAM_ADDRESS UPSTREAM_PORT PATH SECONDS CLIENTS
 * WARMUP_MILLIS}, where PROXY is {@code ADDRESS:PORT} or {@code -} for a direct route.
 */
public final class TunnelClient {
  private TunnelClient() {}

  /** Runs one round; see the class comment for the arguments. */
  public static void main(String[] args) throws InterruptedException {
    if (args.length != 9) {
      System.out.println("fail usage: TunnelClient " + String.join(" ", args));
      System.exit(2);
    }
    Route.Mode mode = Route.Mode.valueOf(args[0]);
    Optional<InetSocketAddress> proxy =
        args[1].equals("-") ? Optional.empty() : Optional.of(address(args[1]));
    Route route = new Route("client", "tunnel client", mode, proxy, args[2]);
    InetSocketAddress upstream =
        new InetSocketAddress(InetAddress.ofLiteral(args[3]), Integer.parseInt(args[4]));
    String path = args[5];
    long seconds = Long.parseLong(args[6]);
    int clients = Integer.parseInt(args[7]);
    long warmUp = Long.parseLong(args[8]);

    String warmUpError =
        loop(route, upstream, path, clients, TimeUnit.MILLISECONDS.toNanos(warmUp)).error();
    if (warmUpError != null) {
      System.out.println("fail " + warmUpError);
      return;
    }
    Result result = loop(route, upstream, path, clients, TimeUnit.SECONDS.toNanos(seconds));
    String error = result.error();
    System.out.println(
        error != null ? "fail " + error : "ok " + result.count() + " " + result.nanos());
  }

  private record Result(long count, long nanos, @Nullable String error) {}

  private static Result loop(
      Route route, InetSocketAddress upstream, String path, int clients, long nanos)
      throws InterruptedException {
    AtomicLong done = new AtomicLong();
    AtomicReference<@Nullable String> error = new AtomicReference<>();
    long start = System.nanoTime();
    long deadline = start + nanos;
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      threads.add(
          Thread.ofPlatform()
              .name("bench-tunnel-" + c)
              .start(
                  () -> {
                    while (System.nanoTime() < deadline && error.get() == null) {
                      try {
                        route.fetch(upstream, upstream.getPort(), path);
                        done.incrementAndGet();
                      } catch (IOException e) {
                        error.compareAndSet(null, String.valueOf(e.getMessage()));
                      }
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    return new Result(done.get(), System.nanoTime() - start, error.get());
  }

  private static InetSocketAddress address(String text) {
    int colon = text.lastIndexOf(':');
    return new InetSocketAddress(
        InetAddress.ofLiteral(text.substring(0, colon)),
        Integer.parseInt(text.substring(colon + 1)));
  }
}
