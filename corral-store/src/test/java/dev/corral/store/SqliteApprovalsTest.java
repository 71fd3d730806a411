package dev.corral.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.ApprovalAnswer;
import dev.corral.core.ApprovalRecord;
import dev.corral.core.ApprovalRequest;
import dev.corral.core.ApprovalState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteApprovalsTest {
  @TempDir Path dir;

  private static final Instant T0 = Instant.ofEpochMilli(1_700_000_000_000L);

  @Test
  void keepsEveryKindOfApprovalAndItsAnswerAcrossReopening() {
    Path db = dir.resolve("corral.db");
    try (SqliteStore store = SqliteStore.open(db, true)) {
      store.insertApproval(
          ApprovalRecord.pending(
              "apr-00000001",
              new ApprovalRequest.Host("box", "pypi.org", 443),
              T0,
              T0.plusSeconds(60)));
      store.insertApproval(
          ApprovalRecord.pending(
              "apr-00000002",
              new ApprovalRequest.Prompt("box", "screen\nContinue? (y/n)", "Continue? (y/n)"),
              T0,
              T0.plusSeconds(60)));
      store.insertApproval(
          ApprovalRecord.pending(
              "apr-00000003", new ApprovalRequest.Merge("t-1", "t-1"), T0, T0.plusSeconds(60)));
      assertThat(
              store.closeApproval(
                  "apr-00000001",
                  ApprovalState.ANSWERED,
                  Optional.of(new ApprovalAnswer.AllowAlways(ApprovalAnswer.Scope.PROJECT)),
                  "token tok-00000001",
                  "allowed always (project)"))
          .isPresent();
      store.closeApproval(
          "apr-00000002",
          ApprovalState.ANSWERED,
          Optional.of(new ApprovalAnswer.Text("y")),
          "dashboard",
          "answered");
    }
    try (SqliteStore store = SqliteStore.open(db, true)) {
      ApprovalRecord host = store.approval("apr-00000001").orElseThrow();
      assertThat(host.request()).isEqualTo(new ApprovalRequest.Host("box", "pypi.org", 443));
      assertThat(host.state()).isEqualTo(ApprovalState.ANSWERED);
      assertThat(host.answer())
          .contains(new ApprovalAnswer.AllowAlways(ApprovalAnswer.Scope.PROJECT));
      assertThat(host.answeredBy()).contains("token tok-00000001");
      assertThat(host.closed()).isPresent();
      assertThat(store.approval("apr-00000002").orElseThrow().answer())
          .contains(new ApprovalAnswer.Text("y"));
      ApprovalRecord merge = store.approval("apr-00000003").orElseThrow();
      assertThat(merge.request()).isEqualTo(new ApprovalRequest.Merge("t-1", "t-1"));
      assertThat(merge.state()).isEqualTo(ApprovalState.PENDING);
      assertThat(store.approvals(Set.of(ApprovalState.PENDING), 10))
          .extracting(ApprovalRecord::id)
          .containsExactly("apr-00000003");
      assertThat(store.approvals(Set.of(), 10))
          .extracting(ApprovalRecord::id)
          .containsExactly("apr-00000003", "apr-00000002", "apr-00000001");
    }
  }

  @Test
  void closesOnlyOnceAndNumbersEveryChange() {
    try (SqliteStore store = SqliteStore.open(dir.resolve("corral.db"), true)) {
      ApprovalRecord first =
          store.insertApproval(
              ApprovalRecord.pending(
                  "apr-0000000a",
                  new ApprovalRequest.Host("box", "a.test", 80),
                  T0,
                  T0.plusSeconds(1)));
      ApprovalRecord second =
          store.insertApproval(
              ApprovalRecord.pending(
                  "apr-0000000b",
                  new ApprovalRequest.Host("box", "b.test", 80),
                  T0,
                  T0.plusSeconds(1)));
      assertThat(second.seq()).isGreaterThan(first.seq());
      Optional<ApprovalRecord> denied =
          store.closeApproval(
              "apr-0000000a",
              ApprovalState.EXPIRED,
              Optional.of(new ApprovalAnswer.Deny(true)),
              "timeout",
              "nobody answered");
      assertThat(denied).isPresent();
      assertThat(denied.get().answer()).contains(new ApprovalAnswer.Deny(true));
      assertThat(
              store.closeApproval(
                  "apr-0000000a",
                  ApprovalState.ANSWERED,
                  Optional.of(new ApprovalAnswer.AllowOnce()),
                  "late",
                  "too late"))
          .as("a closed approval stays closed")
          .isEmpty();
      assertThat(store.approval("apr-0000000a").orElseThrow().state())
          .isEqualTo(ApprovalState.EXPIRED);
      List<ApprovalRecord> changes = store.approvalsChangedAfter(first.seq(), 10);
      assertThat(changes)
          .extracting(ApprovalRecord::id)
          .containsExactly("apr-0000000b", "apr-0000000a");
      assertThat(store.approvalsChangedAfter(changes.getLast().seq(), 10)).isEmpty();
    }
  }
}
