package dev.corral.server;

import dev.corral.core.ApprovalRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the user's notification command when an approval opens: without a shell (the approval's
 * fields are attacker-controlled text and must never become shell syntax), with the approval as
 * JSON on stdin and {@code CORRAL_APPROVAL_ID}, {@code _KIND}, {@code _SANDBOX} and {@code
 * _SUMMARY} in the environment. Output is discarded; a hook that runs longer than 30 s is killed.
 * Failures are logged, never thrown: a broken notifier must not block an approval.
 */
final class ApprovalHook {
  private static final System.Logger LOG = System.getLogger(ApprovalHook.class.getName());
  private static final Duration LIMIT = Duration.ofSeconds(30);

  private final List<String> command;

  ApprovalHook(List<String> command) {
    this.command = List.copyOf(command);
  }

  /** Starts the hook for {@code approval} on a virtual thread; returns at once. */
  void opened(ApprovalRecord approval) {
    if (command.isEmpty()) {
      return;
    }
    Thread.ofVirtual().name("corral-approval-hook-" + approval.id()).start(() -> run(approval));
  }

  private void run(ApprovalRecord approval) {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    var env = builder.environment();
    var view = ApprovalViews.view(approval);
    env.put("CORRAL_APPROVAL_ID", view.id());
    env.put("CORRAL_APPROVAL_KIND", view.kind());
    env.put("CORRAL_APPROVAL_SANDBOX", view.sandbox());
    env.put("CORRAL_APPROVAL_SUMMARY", ApprovalViews.summary(approval.request()));
    try {
      Process process = builder.start();
      try (OutputStream in = process.getOutputStream()) {
        in.write(Json.write(view));
        in.write('\n');
      } catch (IOException e) {
        // The hook does not read its input; that is its choice.
      }
      if (!process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        LOG.log(System.Logger.Level.WARNING, "approval hook " + command + " ran over 30 s; killed");
      } else if (process.exitValue() != 0) {
        LOG.log(
            System.Logger.Level.WARNING,
            "approval hook " + command + " exited with " + process.exitValue());
      }
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "cannot run approval hook " + command + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
