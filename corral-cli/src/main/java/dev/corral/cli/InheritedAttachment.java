package dev.corral.cli;

import dev.corral.core.SandboxOutcome;
import dev.corral.engine.Sandbox;

/**
 * The sandbox reads and writes Corral's own file descriptors; Corral only forwards the signals it
 * receives (the sandbox runs in its own session, so the terminal's Ctrl-C reaches Corral only).
 * Signals are caught from construction on, before the sandbox starts, so none that arrives while it
 * starts can end Corral and leave the sandbox's cgroup and runtime directory behind.
 */
final class InheritedAttachment implements Attachment {
  private final SignalForwarder forwarder =
      SignalForwarder.catching(SignalForwarder.INT, SignalForwarder.TERM, SignalForwarder.HUP);

  @Override
  public SandboxOutcome attach(Sandbox sandbox) throws InterruptedException {
    forwarder.forwardTo(sandbox.process());
    return sandbox.await();
  }

  @Override
  public void close() {
    forwarder.close();
  }
}
