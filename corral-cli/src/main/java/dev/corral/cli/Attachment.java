package dev.corral.cli;

import dev.corral.core.SandboxOutcome;
import dev.corral.engine.Sandbox;

/**
 * Connects a running sandbox to the user: a terminal, Corral's own inherited streams, or copied
 * pipes. Created before the sandbox starts (so a missing terminal fails early) and closed after it
 * ended; closing restores whatever it changed.
 */
sealed interface Attachment extends AutoCloseable
    permits InheritedAttachment, PipedAttachment, TerminalAttachment {

  /** Relays input, output and signals until the sandbox ends, and tells how it ended. */
  SandboxOutcome attach(Sandbox sandbox) throws InterruptedException;

  @Override
  void close();
}
