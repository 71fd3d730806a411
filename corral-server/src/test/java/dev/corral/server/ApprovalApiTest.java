package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.api.ApprovalAnswerRequest;
import dev.corral.api.ApprovalView;
import dev.corral.api.TaskRequest;
import dev.corral.client.CorralApiException;
import dev.corral.core.ApprovalAnswer;
import dev.corral.core.ApprovalRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The approval queue through the real server, store and client. */
class ApprovalApiTest {
  @TempDir static Path temp;
  static ServerFixture fixture;

  @BeforeAll
  static void start() {
    fixture = ServerFixture.start(temp, 2);
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  static ApprovalAnswerRequest allow() {
    return new ApprovalAnswerRequest("allow", null, null);
  }

  static String idOf(ApprovalRequest request) {
    return fixture.client.approvals(Optional.of("pending"), 1000).approvals().stream()
        .filter(a -> a.sandbox().equals(request.sandbox()))
        .findFirst()
        .orElseThrow()
        .id();
  }

  @Test
  void anOpenedHostApprovalIsListedAndAllowingItAnswersTheRequester() throws Exception {
    var request = new ApprovalRequest.Host("box-allow", "pypi.test", 443);
    CompletableFuture<ApprovalAnswer> answer =
        fixture.server.approvals().open(request, Duration.ofMinutes(5));
    String id = idOf(request);
    ApprovalView pending = fixture.client.approval(id);
    assertThat(pending.kind()).isEqualTo("host");
    assertThat(pending.summary()).isEqualTo("box-allow wants to reach pypi.test:443");
    assertThat(fixture.client.approvals(Optional.empty(), 10).pending()).isPositive();

    ApprovalView answered =
        fixture.client.answer(id, new ApprovalAnswerRequest("allow-always", "sandbox", null));

    assertThat(answer.get(10, TimeUnit.SECONDS))
        .isEqualTo(new ApprovalAnswer.AllowAlways(ApprovalAnswer.Scope.SANDBOX));
    assertThat(answered.state()).isEqualTo("answered");
    assertThat(answered.answer()).isEqualTo("allow-always");
    assertThat(answered.scope()).isEqualTo("sandbox");
    assertThat(answered.answeredBy()).matches("token tok-[0-9a-f]{8}");
  }

  @Test
  void answeringTwiceIsAConflictNamingTheFirstAnswer() {
    var request = new ApprovalRequest.Host("box-twice", "a.test", 80);
    var _ = fixture.server.approvals().open(request, Duration.ofMinutes(5));
    String id = idOf(request);
    fixture.client.answer(id, new ApprovalAnswerRequest("deny", null, null));

    assertThatThrownBy(() -> fixture.client.answer(id, allow()))
        .isInstanceOfSatisfying(
            CorralApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.problem().detail())
                  .startsWith("approval " + id + " was already answered by token tok-")
                  .endsWith("(denied)");
            });
    assertThat(fixture.client.approval(id).answer()).isEqualTo("deny");
  }

  @Test
  void anApprovalNobodyAnswersExpiresAsADenialAndCannotBeAnsweredLate() throws Exception {
    var request = new ApprovalRequest.Host("box-late", "late.test", 80);
    CompletableFuture<ApprovalAnswer> answer =
        fixture.server.approvals().open(request, Duration.ofMillis(100));

    assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo(new ApprovalAnswer.Deny(true));
    String id =
        fixture.client.approvals(Optional.of("expired"), 1000).approvals().stream()
            .filter(a -> a.sandbox().equals("box-late"))
            .findFirst()
            .orElseThrow()
            .id();
    assertThat(fixture.client.approval(id).reason())
        .isEqualTo("nobody answered within 100ms; denied");
    assertThatThrownBy(() -> fixture.client.answer(id, allow()))
        .isInstanceOfSatisfying(
            CorralApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.problem().detail()).contains("expired").contains("nobody answered");
            });
  }

  @Test
  void anApprovalForASandboxThatIsGoneIsWithdrawnAndAnsweringItSaysSo() {
    var request = new ApprovalRequest.Prompt("box-gone", "screen", "Proceed? (y/n)");
    CompletableFuture<ApprovalAnswer> answer =
        fixture.server.approvals().open(request, Duration.ofMinutes(5));
    String id = idOf(request);

    answer.cancel(false); // the sandbox went away

    assertThat(fixture.client.approval(id).state()).isEqualTo("withdrawn");
    assertThatThrownBy(
            () -> fixture.client.answer(id, new ApprovalAnswerRequest("text", null, "y")))
        .isInstanceOfSatisfying(
            CorralApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.problem().detail())
                  .contains("was withdrawn")
                  .contains("box-gone no longer waits");
            });
  }

  @Test
  void theApprovalsOfATaskThatEndedAreWithdrawnAndTheirRequesterReleased() throws Exception {
    Path repo = ServerFixture.repo(temp.resolve("ending-repo"));
    var task = fixture.client.submit(TaskRequest.of(repo.toString(), "shell", "sleep 1"));
    var request = new ApprovalRequest.Host(task.id(), "late.test", 443);
    CompletableFuture<ApprovalAnswer> answer =
        fixture.server.approvals().open(request, Duration.ofMinutes(5));
    String id = idOf(request);

    TaskApiTestSupport.await(fixture.client, task.id());

    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (fixture.client.approval(id).state().equals("pending") && System.nanoTime() < deadline) {
      TaskApiTest.sleep(20);
    }
    ApprovalView withdrawn = fixture.client.approval(id);
    assertThat(withdrawn.state()).isEqualTo("withdrawn");
    assertThat(withdrawn.reason())
        .isEqualTo("task " + task.id() + " ended (succeeded); nobody waits");
    assertThat(answer).isCancelled();
    assertThatThrownBy(() -> fixture.client.answer(id, allow()))
        .hasMessageContaining("was withdrawn")
        .hasMessageContaining("ended (succeeded)");
  }

  @Test
  void aPromptTakesOneLineOfTextAndNothingThatDoesNotFit() throws Exception {
    var request = new ApprovalRequest.Prompt("box-prompt", "Delete 3 files?", "Delete? [y/N]");
    CompletableFuture<ApprovalAnswer> answer =
        fixture.server.approvals().open(request, Duration.ofMinutes(5));
    String id = idOf(request);

    assertThatThrownBy(() -> fixture.client.answer(id, allow()))
        .hasMessageContaining("cannot answer a prompt approval with allowed once")
        .isInstanceOfSatisfying(
            CorralApiException.class, e -> assertThat(e.status()).isEqualTo(400));
    assertThatThrownBy(
            () -> fixture.client.answer(id, new ApprovalAnswerRequest("text", null, "y\nrm -rf /")))
        .hasMessageContaining("control characters");
    assertThatThrownBy(
            () -> fixture.client.answer(id, new ApprovalAnswerRequest("text", null, "\u001b[2J")))
        .hasMessageContaining("control characters");
    assertThatThrownBy(
            () -> fixture.client.answer(id, new ApprovalAnswerRequest("maybe", null, null)))
        .hasMessageContaining("unknown answer 'maybe'");
    assertThat(fixture.client.approval(id).state())
        .as("bad answers change nothing")
        .isEqualTo("pending");

    fixture.client.answer(id, new ApprovalAnswerRequest("text", null, "y"));
    assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo(new ApprovalAnswer.Text("y"));
  }

  @Test
  void rejectsMalformedIdsAndUnknownApprovals() {
    assertThatThrownBy(() -> fixture.client.approval("../tokens"))
        .isInstanceOfSatisfying(
            CorralApiException.class, e -> assertThat(e.status()).isIn(400, 404));
    assertThatThrownBy(() -> fixture.client.approval("apr-00000000"))
        .isInstanceOfSatisfying(
            CorralApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.problem().detail()).isEqualTo("no approval apr-00000000");
            });
  }

  @Test
  void theStreamShowsPendingApprovalsThenChangesAndResumesAfterTheLastSeen() throws Exception {
    var first = new ApprovalRequest.Host("box-stream-1", "one.test", 80);
    var _ = fixture.server.approvals().open(first, Duration.ofMinutes(5));
    List<ApprovalView> seen = new ArrayList<>();
    Thread follower =
        Thread.ofVirtual()
            .start(
                () ->
                    fixture.client.followApprovals(
                        a -> {
                          synchronized (seen) {
                            seen.add(a);
                          }
                          return !(a.sandbox().equals("box-stream-2")
                              && a.state().equals("answered"));
                        }));
    var second = new ApprovalRequest.Host("box-stream-2", "two.test", 80);
    awaitSeen(seen, "box-stream-1", "pending");
    var _ = fixture.server.approvals().open(second, Duration.ofMinutes(5));
    awaitSeen(seen, "box-stream-2", "pending");
    fixture.client.answer(idOf(second), allow());
    follower.join(Duration.ofSeconds(30));
    assertThat(follower.isAlive()).isFalse();
    long resumeAfter;
    synchronized (seen) {
      resumeAfter =
          seen.stream()
              .filter(a -> a.sandbox().equals("box-stream-2") && a.state().equals("pending"))
              .findFirst()
              .orElseThrow()
              .seq();
    }

    // A client that saw the second one open and reconnects gets its answer, and nothing older.
    HttpResponse<java.io.InputStream> resumed =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(fixture.base() + "/api/v1/approvals/events"))
                    .header("Authorization", "Bearer " + fixture.token)
                    .header("Last-Event-ID", Long.toString(resumeAfter))
                    .header("Accept", "text/event-stream")
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
    try (var reader =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(
                resumed.body(), java.nio.charset.StandardCharsets.UTF_8))) {
      String line;
      String data = null;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith("data:")) {
          data = line;
          break;
        }
      }
      assertThat(data).contains("\"sandbox\":\"box-stream-2\"").contains("\"state\":\"answered\"");
    }
  }

  private static void awaitSeen(List<ApprovalView> seen, String sandbox, String state) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      synchronized (seen) {
        if (seen.stream().anyMatch(a -> a.sandbox().equals(sandbox) && a.state().equals(state))) {
          return;
        }
      }
      TaskApiTest.sleep(20);
    }
    throw new AssertionError("never saw " + sandbox + " " + state + " in " + seen);
  }

  @Test
  void aTaskWithChangesOpensAMergeApprovalAndAllowMergesIt() {
    Path repo = ServerFixture.repo(temp.resolve("merge-repo"));
    var task =
        fixture.client.submit(TaskRequest.of(repo.toString(), "shell", "echo hi > added.txt"));
    TaskApiTestSupport.await(fixture.client, task.id());
    ApprovalView merge = awaitMerge(task.id());
    assertThat(merge.summary()).isEqualTo("task " + task.id() + " finished with changes to merge");

    ApprovalView merged = fixture.client.answer(merge.id(), allow());

    assertThat(merged.reason()).startsWith("merged: branch corral/" + task.id());
    // Merged into the source's current branch.
    assertThat(ServerFixture.git(repo, "show", "HEAD:added.txt")).isEqualTo("hi\n");
  }

  @Test
  void denyDiscardsAndApplyLeavesTheDiffUnstagedInTheSource() throws Exception {
    Path repo = ServerFixture.repo(temp.resolve("apply-repo"));
    var discarded =
        fixture.client.submit(TaskRequest.of(repo.toString(), "shell", "echo no > no.txt"));
    var applied =
        fixture.client.submit(TaskRequest.of(repo.toString(), "shell", "echo yes >> README"));
    TaskApiTestSupport.await(fixture.client, discarded.id());
    TaskApiTestSupport.await(fixture.client, applied.id());

    fixture.client.answer(
        awaitMerge(discarded.id()).id(), new ApprovalAnswerRequest("deny", null, null));
    fixture.client.answer(
        awaitMerge(applied.id()).id(), new ApprovalAnswerRequest("apply", null, null));

    assertThatThrownBy(() -> fixture.client.merge(discarded.id()))
        .hasMessageContaining("no clone workspace named '" + discarded.id() + "'");
    assertThat(Files.readString(repo.resolve("README"))).isEqualTo("hello\nyes\n");
    assertThat(ServerFixture.git(repo, "status", "--porcelain")).isEqualTo(" M README\n");
  }

  @Test
  void mergingThroughTheTaskEndpointClosesTheMergeApproval() {
    Path repo = ServerFixture.repo(temp.resolve("direct-repo"));
    var task = fixture.client.submit(TaskRequest.of(repo.toString(), "shell", "echo x > x.txt"));
    TaskApiTestSupport.await(fixture.client, task.id());
    ApprovalView merge = awaitMerge(task.id());

    fixture.client.merge(task.id());

    assertThat(fixture.client.approval(merge.id()).state()).isEqualTo("answered");
    assertThatThrownBy(() -> fixture.client.answer(merge.id(), allow()))
        .hasMessageContaining("already answered by POST /api/v1/tasks/" + task.id() + "/merge");
  }

  static ApprovalView awaitMerge(String task) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<ApprovalView> found =
          fixture.client.approvals(Optional.of("pending"), 1000).approvals().stream()
              .filter(a -> task.equals(a.task()))
              .findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      TaskApiTest.sleep(20);
    }
    throw new AssertionError("no merge approval for " + task);
  }
}
