package dev.corral.core;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;

/**
 * A running sandbox. Obtained from {@link Backend#start}; the caller owns it and must {@link
 * #close()} it, which kills whatever still runs and removes everything the sandbox created on the
 * host (cgroups, runtime directories, mount points). Methods are thread-safe.
 */
public interface SandboxProcess extends AutoCloseable {

  SandboxId id();

  /** The host pid of the sandbox's outermost process. */
  long pid();

  /** The sandbox's standard input; a null stream under {@link Stdio#INHERIT}. */
  OutputStream stdin();

  /** The sandbox's standard output (terminal output under {@link Stdio#TTY}). */
  InputStream stdout();

  /** The sandbox's standard error; empty under {@link Stdio#TTY} and {@link Stdio#INHERIT}. */
  InputStream stderr();

  /** Waits until the sandbox ends and tells how. */
  SandboxOutcome waitFor() throws InterruptedException;

  /** Waits at most {@code timeout}; empty if the sandbox is still running. */
  Optional<SandboxOutcome> waitFor(Duration timeout) throws InterruptedException;

  /** Delivers a signal (e.g. 2 = SIGINT, 15 = SIGTERM) to the command inside the sandbox. */
  void signal(int signal);

  /** Kills every process of the sandbox at once. */
  void kill();

  /** Resizes the sandbox's terminal; ignored unless it runs under {@link Stdio#TTY}. */
  void resize(int columns, int rows);

  /**
   * Freezes every process of the sandbox until {@link #resume()}. Not every backend can: the
   * default throws.
   *
   * @throws SandboxException if this backend cannot pause sandboxes
   */
  default void pause() {
    throw new SandboxException(
        "sandbox " + id() + ": pause is not supported by this backend",
        "use the docker backend (--backend docker) to pause sandboxes");
  }

  /** Thaws a sandbox frozen by {@link #pause()}; the default throws like {@link #pause()}. */
  default void resume() {
    throw new SandboxException(
        "sandbox " + id() + ": resume is not supported by this backend",
        "use the docker backend (--backend docker) to pause and resume sandboxes");
  }

  /**
   * Kills what still runs and removes the sandbox's host resources. Tries every step, and throws
   * one {@link SandboxException} with the later failures suppressed if any step failed.
   */
  @Override
  void close();
}
