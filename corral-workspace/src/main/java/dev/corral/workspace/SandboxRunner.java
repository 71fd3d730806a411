package dev.corral.workspace;

import dev.corral.core.SandboxOutcome;
import dev.corral.core.SandboxSpec;

/**
 * Runs one sandbox to its end; the CLI implements it with the engine. Workspaces use it for every
 * git command that must run in a clone after an agent did: git there is sandboxed like the agent.
 */
@FunctionalInterface
public interface SandboxRunner {
  /** Runs {@code spec} (stdio piped, nothing read from it) and returns how it ended. */
  SandboxOutcome run(SandboxSpec spec) throws InterruptedException;
}
