package dev.corral.egress;

import dev.corral.core.ApprovalGate;
import dev.corral.core.EnvironmentException;
import dev.corral.core.SandboxId;
import dev.corral.core.UsageException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The egress gateway: one per Corral process, serving every sandbox through a listener of its own.
 * Speaks HTTP/1.1 forward proxy, CONNECT and SOCKS5 on each listener; resolves names itself (on
 * virtual threads, never on an event loop), pins and vets the address, and writes one audit record
 * per connection or plain-HTTP request.
 *
 * <p>Thread-safe. Closing the gateway closes every listener and connection and stops its threads;
 * the caller owns the {@link AuditSink} and closes it afterwards.
 */
public final class EgressGateway implements AutoCloseable {
  private final Transport transport;
  private final EventLoopGroup acceptors;
  private final EventLoopGroup workers;
  private final ExecutorService resolving;
  private final AuditTrail trail;
  private final Services services;
  private final ApprovalGate approvals;
  private final Map<SandboxId, ConnectionSlots> slots = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  private EgressGateway(
      Resolver resolver,
      AddressGuard guard,
      AuditSink audit,
      GatewaySettings settings,
      ApprovalGate approvals) {
    this.approvals = approvals;
    this.transport = Transport.choose(settings.nativeTransport());
    this.acceptors = transport.newGroup(1, "corral-egress-accept");
    this.workers = transport.newGroup(0, "corral-egress");
    this.resolving =
        Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("corral-egress-resolve-", 0).factory());
    this.trail = new AuditTrail(audit);
    Dialer dialer = new Dialer(resolver, guard, resolving, transport, settings.connectTimeout());
    this.services = new Services(dialer, trail, settings);
  }

  /** Starts a gateway with {@link GatewaySettings#defaults()}. */
  public static EgressGateway start(Resolver resolver, AddressGuard guard, AuditSink audit) {
    return start(resolver, guard, audit, GatewaySettings.defaults());
  }

  /** Starts a gateway whose listeners cannot ask anybody ({@link ApprovalGate#DENY}). */
  public static EgressGateway start(
      Resolver resolver, AddressGuard guard, AuditSink audit, GatewaySettings settings) {
    return start(resolver, guard, audit, settings, ApprovalGate.DENY);
  }

  /**
   * Starts a gateway whose listeners in ask mode ({@link AskMode.Ask}) open approvals through
   * {@code approvals}. With {@link ApprovalGate#DENY} ask mode fails closed, and the denial says
   * that no approver is there.
   */
  public static EgressGateway start(
      Resolver resolver,
      AddressGuard guard,
      AuditSink audit,
      GatewaySettings settings,
      ApprovalGate approvals) {
    return new EgressGateway(resolver, guard, audit, settings, approvals);
  }

  /**
   * Listens for {@code sandbox} on a unix socket at {@code socket} (mode 0600, replacing a stale
   * socket there). {@code policy} is asked for every new connection or request, so a swapped-in
   * policy applies without restarting anything.
   *
   * @throws EnvironmentException if the socket cannot be created
   */
  public Listener open(SandboxId sandbox, Path socket, Supplier<Policy> policy) {
    return open(sandbox, socket, policy, AskMode.OFF);
  }

  /**
   * Like {@link #open(SandboxId, Path, Supplier)}; requests that no rule decides are handled as
   * {@code ask} says.
   */
  public Listener open(SandboxId sandbox, Path socket, Supplier<Policy> policy, AskMode ask) {
    Path parent = socket.toAbsolutePath().getParent();
    Path staging = null;
    try {
      // Bind inside a private directory, then move into place: the socket is never reachable by
      // anyone else, not even between bind and chmod.
      staging =
          Files.createTempDirectory(
              parent,
              ".egress-",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path bound = staging.resolve("s");
      Bound server =
          bind(sandbox, policy, ask, transport.unixServer(), transport.unixAddress(bound));
      Files.setPosixFilePermissions(bound, PosixFilePermissions.fromString("rw-------"));
      Files.move(
          bound, socket, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return register(sandbox, server, UnixDomainSocketAddress.of(socket), Optional.of(socket));
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot create the egress socket " + socket + ": " + e.getMessage(),
          "check that " + parent + " exists and is writable",
          e);
    } finally {
      if (staging != null) {
        try {
          Files.deleteIfExists(staging.resolve("s"));
          Files.deleteIfExists(staging);
        } catch (IOException ignored) {
          // Best effort: a leftover empty private directory is harmless.
        }
      }
    }
  }

  /**
   * Listens for {@code sandbox} on a loopback TCP address (port 0 picks one); for tests and
   * benchmarks.
   */
  public Listener openTcp(SandboxId sandbox, InetSocketAddress address, Supplier<Policy> policy) {
    return openTcp(sandbox, address, policy, AskMode.OFF);
  }

  /** Like {@link #openTcp(SandboxId, InetSocketAddress, Supplier)}, with ask mode {@code ask}. */
  public Listener openTcp(
      SandboxId sandbox, InetSocketAddress address, Supplier<Policy> policy, AskMode ask) {
    if (!address.getAddress().isLoopbackAddress()) {
      throw new UsageException(
          "egress TCP listeners are for tests and benchmarks: use a loopback address, not "
              + address);
    }
    Bound server = bind(sandbox, policy, ask, transport.tcpServer(), address);
    return register(sandbox, server, server.channel().localAddress(), Optional.empty());
  }

  /** Counters since the gateway started. */
  public EgressCounters counters() {
    return trail.snapshot();
  }

  private record Bound(Channel channel, ChannelGroup live, ConnectionSlots slots, Asker asker) {}

  private Bound bind(
      SandboxId sandbox,
      Supplier<Policy> policy,
      AskMode ask,
      Class<? extends ServerChannel> type,
      SocketAddress address) {
    ChannelGroup live = new DefaultChannelGroup("egress-" + sandbox, GlobalEventExecutor.INSTANCE);
    Asker asker = Asker.of(sandbox, approvals, ask, resolving);
    ConnectionSlots sandboxSlots =
        slots.computeIfAbsent(
            sandbox, id -> new ConnectionSlots(services.settings().maxConnectionsPerSandbox()));
    ChannelFuture bound =
        new ServerBootstrap()
            .group(acceptors, workers)
            .channel(type)
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.RECVBUF_ALLOCATOR, Relay.READS)
            .childHandler(
                new ClientInitializer(
                    new Session.Factory(sandbox, policy, services, asker), live, sandboxSlots))
            .bind(address)
            .awaitUninterruptibly();
    if (!bound.isSuccess()) {
      throw new EnvironmentException(
          "cannot listen for sandbox "
              + sandbox
              + " on "
              + address
              + ": "
              + bound.cause().getMessage(),
          null,
          bound.cause());
    }
    return new Bound(bound.channel(), live, sandboxSlots, asker);
  }

  private Listener register(
      SandboxId sandbox, Bound server, SocketAddress address, Optional<Path> socketFile) {
    Listener listener =
        new Listener(
            sandbox,
            server.channel(),
            server.live(),
            server.slots(),
            server.asker(),
            address,
            socketFile);
    listeners.add(listener);
    return listener;
  }

  /** Closes every listener and connection, then stops the event loops and resolver threads. */
  @Override
  public void close() {
    for (Listener listener : listeners) {
      listener.close();
    }
    listeners.clear();
    acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    resolving.shutdownNow();
  }
}
