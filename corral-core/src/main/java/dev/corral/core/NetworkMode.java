package dev.corral.core;

/** How a sandbox reaches the network. */
public sealed interface NetworkMode {
  /** No network at all: an empty network namespace with no route to any address. */
  record None() implements NetworkMode {}

  NetworkMode NONE = new None();

  /**
   * Network through the egress gateway under {@code rules}, as a user asks for it; the engine opens
   * the sandbox's gateway listener and hands the backend a {@link Gateway} instead.
   */
  record Filtered(EgressRules rules) implements NetworkMode {}

  /**
   * No route to anything, except the egress gateway: the sandbox reaches the gateway's per-sandbox
   * listener (a UNIX socket on the host) through a forwarder on its own loopback, and finds it
   * through the usual proxy variables. If the gateway is gone, so is the network.
   *
   * @param socket the host path of this sandbox's gateway listener
   */
  record Gateway(HostPath socket) implements NetworkMode {}

  /**
   * Parses the {@code --network} flag value: {@code none} or {@code gateway} (default deny, then
   * {@code rules}). {@link Gateway} is set up by Corral itself.
   */
  static NetworkMode parse(String text, EgressRules rules) {
    return switch (text) {
      case "none" -> NONE;
      case "gateway" -> new Filtered(rules);
      default ->
          throw new UsageException(
              "unsupported network mode '" + text + "'",
              "use 'none' (no network at all) or 'gateway' (only what the egress policy allows)");
    };
  }
}
