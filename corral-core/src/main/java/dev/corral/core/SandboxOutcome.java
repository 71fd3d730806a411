package dev.corral.core;

import java.time.Duration;

/** How a sandbox ended. Every outcome maps to the exit code {@code corral run} returns. */
public sealed interface SandboxOutcome {

  /** The exit code Corral passes on. */
  int exitCode();

  /** The command exited by itself with {@code code}. */
  record Exited(int code) implements SandboxOutcome {
    @Override
    public int exitCode() {
      return code;
    }
  }

  /** A signal ended the command. */
  record Signaled(int signal) implements SandboxOutcome {
    @Override
    public int exitCode() {
      return 128 + signal;
    }
  }

  /**
   * The sandbox ran into a resource limit and was stopped by the kernel or by Corral; {@code
   * detail} says what happened, without the remedy (see {@link SandboxEvent.LimitHit}).
   */
  record LimitExceeded(Limit limit, String detail, int exitCode) implements SandboxOutcome {}

  /** The wall-clock timeout ran out and Corral killed the sandbox. */
  record TimedOut(Duration after) implements SandboxOutcome {
    @Override
    public int exitCode() {
      return ExitCodes.TIMEOUT;
    }
  }

  /** Turns a raw wait status (exit code, or 128 + signal) into an outcome. */
  static SandboxOutcome fromExitCode(int code) {
    return code > 128 && code < 128 + 65 ? new Signaled(code - 128) : new Exited(code);
  }
}
