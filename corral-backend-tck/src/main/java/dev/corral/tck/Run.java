package dev.corral.tck;

import dev.corral.core.SandboxOutcome;

/** The result of running a command to completion in a sandbox. */
public record Run(SandboxOutcome outcome, String stdout, String stderr) {
  public int exitCode() {
    return outcome.exitCode();
  }

  @Override
  public String toString() {
    return "exit " + exitCode() + " (" + outcome + ")\nstdout: " + stdout + "\nstderr: " + stderr;
  }
}
