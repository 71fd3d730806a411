package dev.corral.core;

import java.util.List;

/**
 * Runs sandboxes with one isolation technology. Implementations are thread-safe: many sandboxes may
 * be started concurrently from one instance.
 */
public interface Backend {

  /** The name users select it by, e.g. {@code native}. */
  String name();

  /**
   * Creates and starts a sandbox. Returns once the sandbox's process runs; on failure nothing is
   * left behind.
   *
   * @throws CommandException if the command cannot be found or executed inside the sandbox
   * @throws EnvironmentException if the host cannot run the sandbox as specified
   * @throws SandboxException if setting up the sandbox failed
   */
  SandboxProcess start(SandboxSpec spec, EventSink events);

  /**
   * Removes resources of sandboxes whose owning Corral process is gone (after a crash or kill -9).
   * Returns a description of each thing removed.
   */
  List<String> reapOrphans();

  /**
   * The sandboxes of this backend that exist on this host now, started by any Corral process.
   * Backends that keep no record of their sandboxes return an empty list (the default).
   *
   * @throws EnvironmentException if the backend's host facility cannot be asked (e.g. the Docker
   *     engine stopped)
   */
  default List<SandboxSummary> list() {
    return List.of();
  }
}
