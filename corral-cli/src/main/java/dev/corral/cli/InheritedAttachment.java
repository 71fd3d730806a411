package dev.corral.cli;

import dev.corral.core.SandboxOutcome;
import dev.corral.engine.Sandbox;

/**
 * The sandbox reads and writes Corral's own file descriptors; Corral only forwards the signals it
 * receives (the sandbox runs in its own session, so the terminal's Ctrl-C reaches Corral only).
 */
final class InheritedAttachment implements Attachment {

  @Override
  public SandboxOutcome attach(Sandbox sandbox) throws InterruptedException {
    try (var forwarder =
        SignalForwarder.forward(
            sandbox.process(), SignalForwarder.INT, SignalForwarder.TERM, SignalForwarder.HUP)) {
      return sandbox.await();
    }
  }

  @Override
  public void close() {}
}
