package dev.corral.server;

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
 */
public record ApprovalSettings(List<String> hook, Duration mergeHold) {
  public static final Duration DEFAULT_MERGE_HOLD = Duration.ofDays(7);
  public static final ApprovalSettings DEFAULT =
      new ApprovalSettings(List.of(), DEFAULT_MERGE_HOLD);

  public ApprovalSettings {
    hook = List.copyOf(hook);
    if (!hook.isEmpty() && hook.getFirst().isBlank()) {
      throw new UsageException(
          "the approval hook has an empty program name",
          "set approvals.hook to a list such as [\"notify-send\", \"Corral\"]");
    }
    if (mergeHold.isNegative() || mergeHold.isZero()) {
      throw new UsageException(
          "approvals.merge-hold must be positive, not " + mergeHold, "e.g. merge-hold = \"7d\"");
    }
  }
}
