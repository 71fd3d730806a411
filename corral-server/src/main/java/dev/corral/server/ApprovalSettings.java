package dev.corral.server;

import dev.corral.core.EgressRules;
import dev.corral.core.UsageException;
import java.time.Duration;
import java.util.List;

/**
 * How the approval queue behaves.
 *
 * @param hook a command (program and arguments, run without a shell) started whenever an approval
 *     opens, with the approval as JSON on its stdin and {@code CORRAL_APPROVAL_*} variables; empty
 *     for none
 * @param mergeHold how long a finished task's merge approval stays pending before it expires (the
 *     task can still be merged with {@code corral task merge} afterwards)
 * @param promptHold how long an agent's prompt stays pending (it closes itself sooner when the
 *     agent's screen moves on)
 * @param askHold how long a request of an ask-mode sandbox or task is held for a host approval
 *     before it is denied (a 403 to the agent)
 */
public record ApprovalSettings(
    List<String> hook, Duration mergeHold, Duration promptHold, Duration askHold) {
  public static final Duration DEFAULT_MERGE_HOLD = Duration.ofDays(7);
  public static final Duration DEFAULT_PROMPT_HOLD = Duration.ofHours(1);
  public static final ApprovalSettings DEFAULT =
      new ApprovalSettings(
          List.of(), DEFAULT_MERGE_HOLD, DEFAULT_PROMPT_HOLD, EgressRules.DEFAULT_ASK_HOLD);

  public ApprovalSettings {
    hook = List.copyOf(hook);
    if (!hook.isEmpty() && hook.getFirst().isBlank()) {
      throw new UsageException(
          "the approval hook has an empty program name",
          "set approvals.hook to a list such as [\"notify-send\", \"Corral\"]");
    }
    positive("merge-hold", mergeHold, "7d");
    positive("prompt-hold", promptHold, "1h");
    positive("ask-hold", askHold, "60s");
  }

  /** The defaults with {@code hook} and {@code mergeHold}. */
  public ApprovalSettings(List<String> hook, Duration mergeHold) {
    this(hook, mergeHold, DEFAULT_PROMPT_HOLD, EgressRules.DEFAULT_ASK_HOLD);
  }

  private static void positive(String key, Duration hold, String example) {
    if (hold.isNegative() || hold.isZero()) {
      throw new UsageException(
          "approvals." + key + " must be positive, not " + hold,
          "e.g. " + key + " = \"" + example + "\"");
    }
  }
}
