package dev.corral.core;

/**
 * A decision a sandbox waits for: opened by the egress gateway, the prompt watcher or a finished
 * task, answered by a human through the one approval queue (CLI, API, dashboard).
 */
public sealed interface ApprovalRequest {

  /** The sandbox (or task) name the approval belongs to. */
  String sandbox();

  /** The agent asked for a host no rule decides ({@code ask} mode). */
  record Host(String sandbox, String host, int port) implements ApprovalRequest {}

  /**
   * The agent waits for input at a prompt. {@code screen} is the terminal's last screen as text,
   * {@code question} the line the detector scored highest.
   */
  record Prompt(String sandbox, String screen, String question) implements ApprovalRequest {}

  /** A finished task's branch waits to be merged, applied or discarded. */
  record Merge(String sandbox, String task) implements ApprovalRequest {}
}
