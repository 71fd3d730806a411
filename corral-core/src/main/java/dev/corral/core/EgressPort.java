package dev.corral.core;

import java.util.List;

/**
 * The egress gateway as the engine sees it: one per Corral process, one listener per sandbox.
 * Implementations are thread-safe.
 */
public interface EgressPort {

  /** Used when no gateway is wired in: every request for network fails clearly. */
  EgressPort UNAVAILABLE =
      (id, workspace, rules) -> {
        throw new EnvironmentException(
            "this Corral has no egress gateway", "run the sandbox with --network none");
      };

  /**
   * Opens sandbox {@code id}'s listener with its policy. The caller closes the lease when the
   * sandbox is gone. {@code workspace} locates the project configuration the policy reloads from.
   *
   * @throws UsageException or ConfigException when a rule is invalid, naming rule and source
   */
  Lease open(SandboxId id, HostPath workspace, EgressRules rules);

  /** A sandbox's listener. Closing it cuts the sandbox off from the network. */
  interface Lease extends AutoCloseable {
    /** The UNIX socket the backend binds into the sandbox. */
    HostPath socket();

    /** Hosts ({@code host:port}) this sandbox was refused, in first-refusal order. */
    List<String> deniedHosts();

    @Override
    void close();
  }
}
