package dev.corral.core;

/** A human's answer to an {@link ApprovalRequest}. */
public sealed interface ApprovalAnswer {

  /** Where an "allow always" rule is written. */
  enum Scope {
    /** Only this sandbox, for its lifetime. */
    SANDBOX,
    /** The user's policy for this project. */
    PROJECT,
    /** The user's global policy. */
    EVERYWHERE
  }

  /** Allow this one request (a host) or this one merge. */
  record AllowOnce() implements ApprovalAnswer {}

  /** Allow the host from now on, writing a rule with {@code scope}. */
  record AllowAlways(Scope scope) implements ApprovalAnswer {}

  /** Refuse. Also the answer when an approval expires ({@code expired} true). */
  record Deny(boolean expired) implements ApprovalAnswer {}

  /** Text typed into the sandbox's terminal in answer to a prompt (a newline is appended). */
  record Text(String text) implements ApprovalAnswer {}

  /** A merge approval's outcome other than allow (merge) or deny (discard): apply unstaged. */
  record Apply() implements ApprovalAnswer {}
}
