package dev.corral.core;

/** How a sandbox reaches the network. */
public sealed interface NetworkMode {
  /** No network at all: an empty network namespace with no route to any address. */
  record None() implements NetworkMode {}

  NetworkMode NONE = new None();

  /**
   * No route to anything, except the egress gateway: the sandbox reaches the gateway's per-sandbox
   * listener (a UNIX socket on the host) through a forwarder on its own loopback, and finds it
   * through the usual proxy variables. If the gateway is gone, so is the network.
   *
   * @param socket the host path of this sandbox's gateway listener
   */
  record Gateway(HostPath socket) implements NetworkMode {}

  /**
   * Parses the {@code --network} flag value. Only {@code none} can be written by users; {@link
   * Gateway} is set up by Corral itself.
   */
  static NetworkMode parse(String text) {
    if (text.equals("none")) {
      return NONE;
    }
    throw new UsageException(
        "unsupported network mode '" + text + "'",
        "only 'none' is available in this version of Corral");
  }
}
