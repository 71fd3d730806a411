package dev.corral.core;

/** How a sandbox's standard streams are connected. */
public enum Stdio {
  /** The sandbox reads and writes Corral's own standard streams directly (no copying). */
  INHERIT,
  /** Separate pipes, read and written through {@link SandboxProcess}. */
  PIPE,
  /**
   * A fresh pseudo-terminal private to the sandbox, exposed through {@link SandboxProcess} (stdout
   * carries the terminal output; stderr is empty).
   */
  TTY
}
