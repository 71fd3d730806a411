package dev.corral.core;

/** How a sandbox reaches the network. */
public sealed interface NetworkMode {
  /** No network at all: an empty network namespace with no route to any address. */
  record None() implements NetworkMode {}

  NetworkMode NONE = new None();

  /** Parses the {@code --network} flag value. */
  static NetworkMode parse(String text) {
    if (text.equals("none")) {
      return NONE;
    }
    throw new UsageException(
        "unsupported network mode '" + text + "'",
        "only 'none' is available in this version of Corral");
  }
}
