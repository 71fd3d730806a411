package dev.corral.egress;

import dev.corral.core.SandboxId;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One sandbox's entrance to the gateway: a unix socket (or, for tests and benchmarks, a loopback
 * TCP port). Every connection accepted here is attributed to {@link #sandbox()}. Thread-safe;
 * {@link #close()} is idempotent.
 */
public final class Listener implements AutoCloseable {
  private final SandboxId sandbox;
  private final Channel server;
  private final ChannelGroup live;
  private final ConnectionSlots slots;
  private final Asker asker;
  private final SocketAddress address;
  private final Optional<Path> socketFile;

  Listener(
      SandboxId sandbox,
      Channel server,
      ChannelGroup live,
      ConnectionSlots slots,
      Asker asker,
      SocketAddress address,
      Optional<Path> socketFile) {
    this.sandbox = sandbox;
    this.server = server;
    this.live = live;
    this.slots = slots;
    this.asker = asker;
    this.address = address;
    this.socketFile = socketFile;
  }

  public SandboxId sandbox() {
    return sandbox;
  }

  /**
   * Where the listener accepts: a {@link java.net.UnixDomainSocketAddress} or an {@link
   * java.net.InetSocketAddress}.
   */
  public SocketAddress address() {
    return address;
  }

  /** Client connections open right now (those within the sandbox's limit). */
  public int connections() {
    return slots.used();
  }

  /** Requests held right now, waiting for an approval (ask mode). */
  public int heldRequests() {
    return asker.waiting();
  }

  /**
   * Stops accepting, closes every live connection of this listener (and so their upstream
   * connections), and removes the socket file. Blocks until done; do not call on an event loop.
   */
  @Override
  public void close() {
    server.close().awaitUninterruptibly();
    live.close().awaitUninterruptibly();
    socketFile.ifPresent(
        file -> {
          try {
            Files.deleteIfExists(file);
          } catch (IOException e) {
            System.getLogger(Listener.class.getName())
                .log(System.Logger.Level.WARNING, "cannot remove egress socket " + file, e);
          }
        });
  }
}
