package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.api.ApprovalAnswerRequest;
import dev.corral.api.ApprovalView;
import dev.corral.core.ApprovalRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApprovalRestartTest {
  @TempDir Path temp;

  @Test
  void approvalsPendingWhenTheServerStoppedAreExpiredOnTheNextStartAndKeepTheirHistory() {
    Path data = temp.resolve("data");
    String answeredId;
    String pendingId;
    try (ServerFixture first = ServerFixture.start(temp, data, 1, Optional.empty())) {
      var _ =
          first
              .server
              .approvals()
              .open(new ApprovalRequest.Host("box-a", "a.test", 80), Duration.ofHours(1));
      var _ =
          first
              .server
              .approvals()
              .open(new ApprovalRequest.Host("box-b", "b.test", 80), Duration.ofHours(1));
      List<ApprovalView> pending = first.client.approvals(Optional.empty(), 10).approvals();
      answeredId =
          pending.stream().filter(a -> a.sandbox().equals("box-a")).findFirst().orElseThrow().id();
      pendingId =
          pending.stream().filter(a -> a.sandbox().equals("box-b")).findFirst().orElseThrow().id();
      first.client.answer(answeredId, new ApprovalAnswerRequest("allow", null, null));
    }
    try (ServerFixture second = ServerFixture.start(temp, data, 1, Optional.empty())) {
      ApprovalView answered = second.client.approval(answeredId);
      assertThat(answered.state()).isEqualTo("answered");
      assertThat(answered.answer()).isEqualTo("allow-once");
      ApprovalView expired = second.client.approval(pendingId);
      assertThat(expired.state()).isEqualTo("expired");
      assertThat(expired.reason()).isEqualTo(ApprovalQueue.RESTARTED);
      assertThat(expired.answeredBy()).isEqualTo("server restart");
      assertThat(second.client.approvals(Optional.empty(), 10).pending()).isZero();
      assertThatThrownBy(
              () -> second.client.answer(pendingId, new ApprovalAnswerRequest("allow", null, null)))
          .hasMessageContaining("expired");
    }
  }

  @Test
  void theHookGetsTheApprovalAsJsonOnStdinAndNeverThroughAShell() throws Exception {
    Path out = temp.resolve("hook-out");
    Path pwned = temp.resolve("pwned");
    Path hook = temp.resolve("hook.sh");
    Files.writeString(
        hook,
        "#!/bin/sh\ncat > \"$1.tmp\"\nprintf '%s|%s|%s\\n' \"$CORRAL_APPROVAL_KIND\""
            + " \"$CORRAL_APPROVAL_SANDBOX\" \"$CORRAL_APPROVAL_SUMMARY\" >> \"$1.tmp\"\n"
            + "mv \"$1.tmp\" \"$1\"\n");
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
    // Attacker-controlled fields full of shell syntax: none of it may run.
    String evil = "box-$(touch " + pwned + ");touch " + pwned + "`touch " + pwned + "`";
    try (ServerFixture server =
        ServerFixture.start(
            temp,
            temp.resolve("data"),
            1,
            Optional.empty(),
            new ApprovalSettings(List.of(hook.toString(), out.toString()), Duration.ofDays(1)))) {
      var _ =
          server
              .server
              .approvals()
              .open(new ApprovalRequest.Host(evil, "x.test", 80), Duration.ofHours(1));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!Files.exists(out) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      String written = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(written).contains("\"kind\":\"host\"").contains("\"host\":\"x.test\"");
      assertThat(written).contains("host|" + evil + "|" + evil + " wants to reach x.test:80");
      assertThat(pwned).doesNotExist();
    }
  }
}
