package dev.corral.core;

import java.time.Duration;

/**
 * Progress of the engine and backends, as typed events. The CLI renders them, the server streams
 * them, the store records them; nobody prints from inside the engine.
 */
public sealed interface SandboxEvent {

  /** A backend has been chosen and the sandbox is being set up. */
  record Starting(SandboxId id, String backend) implements SandboxEvent {}

  /**
   * A step of preparing the sandbox that takes a while, e.g. building a container image.
   *
   * @param task what is being prepared, e.g. {@code image corral/base:1a2b3c}
   * @param step the current step, e.g. a build step's first output line
   */
  record Progress(SandboxId id, String task, String step) implements SandboxEvent {}

  /** The sandbox's process is running. */
  record Started(SandboxId id, long pid, Duration setup) implements SandboxEvent {}

  /** Something the user should know that does not stop the sandbox (e.g. a degraded limit). */
  record Warning(SandboxId id, String message) implements SandboxEvent {}

  /**
   * The sandbox hit a resource limit.
   *
   * @param detail what happened, e.g. {@code memory limit 64m reached}; without the remedy, which
   *     front ends derive from {@link Limit#flag()}
   */
  record LimitHit(SandboxId id, Limit limit, String detail) implements SandboxEvent {}

  /** The sandbox ended and was torn down. */
  record Finished(SandboxId id, SandboxOutcome outcome, Duration ran) implements SandboxEvent {}

  /** Resources left behind by a crashed Corral process were removed. */
  record OrphanReaped(String backend, String description) implements SandboxEvent {}
}
