package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.api.LogEnd;
import dev.corral.api.MergeResult;
import dev.corral.api.ReviewView;
import dev.corral.api.TaskRequest;
import dev.corral.api.TaskView;
import dev.corral.client.CorralApiException;
import dev.corral.client.CorralClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tasks end to end: the real server, store, native backend and client. */
class TaskApiTest {
  @TempDir static Path temp;
  static ServerFixture fixture;
  static CorralClient client;
  static Path repo;

  @BeforeAll
  static void start() {
    fixture = ServerFixture.start(temp, 4);
    client = fixture.client;
    repo = ServerFixture.repo(temp.resolve("repo"));
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  static TaskView await(String id) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      TaskView task = client.task(id);
      if (Set.of("succeeded", "failed", "cancelled", "timed_out").contains(task.state())) {
        return task;
      }
      sleep(20);
    }
    throw new AssertionError("task " + id + " did not end: " + client.task(id));
  }

  static TaskView awaitState(String id, String state) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      TaskView task = client.task(id);
      if (task.state().equals(state)) {
        return task;
      }
      sleep(20);
    }
    throw new AssertionError("task " + id + " never became " + state + ": " + client.task(id));
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static TaskRequest shell(String script) {
    return TaskRequest.of(repo.toString(), "shell", script);
  }

  /** A shell task with pipes instead of a terminal: its log has plain LF line ends. */
  static TaskRequest pipes(String script) {
    return new TaskRequest(
        repo.toString(), null, "shell", script, null, null, null, null, null, null, null, false);
  }

  @Test
  void runsAShellTaskThatEditsFilesAndReturnsLogDiffArtifactsAndHistory() throws Exception {
    TaskView submitted =
        client.submit(
            new TaskRequest(
                repo.toString(),
                "main",
                "shell",
                "echo working; echo changed >> README; mkdir -p dist; echo built > dist/app.txt;"
                    + " ln -s /etc/passwd dist/leak.txt; echo done >&2",
                "native",
                null,
                null,
                null,
                60L,
                List.of("dist/**")));
    assertThat(submitted.state()).isEqualTo("queued");

    TaskView task = await(submitted.id());

    assertThat(task.state()).as(task.reason()).isEqualTo("succeeded");
    assertThat(task.exitCode()).isZero();
    assertThat(task.backend()).isEqualTo("native");
    assertThat(task.history())
        .extracting(t -> t.to())
        .containsExactly("queued", "preparing", "running", "succeeded");
    assertThat(client.log(task.id(), 0)).contains("working\r\n").contains("done\r\n");
    String diff = client.diff(task.id());
    assertThat(diff).contains("+changed").contains("dist/app.txt");
    assertThat(diff)
        .as("no mount stubs of protected paths")
        .doesNotContain("corral.toml", ".envrc");
    assertThat(task.artifacts()).as("symlinks are not artifacts").containsExactly("dist/app.txt");
    assertThat(
            new String(
                client.artifact(task.id(), "dist/app.txt"),
                java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("built\n");
    assertThat(Files.readString(repo.resolve("README")))
        .as("the source repository is untouched until merge")
        .isEqualTo("hello\n");

    ReviewView review = client.review(task.id());
    assertThat(review.blocking()).isTrue();
    assertThat(review.findings())
        .anySatisfy(
            f -> {
              assertThat(f.severity()).isEqualTo("block");
              assertThat(f.check()).isEqualTo("symlink");
              assertThat(f.path()).isEqualTo("dist/leak.txt");
            });
    assertThatThrownBy(() -> client.merge(task.id()))
        .isInstanceOfSatisfying(
            CorralApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.problem().detail()).contains("blocking").contains("dist/leak.txt");
            });
    assertThat(Files.readString(repo.resolve("README"))).isEqualTo("hello\n");

    MergeResult merged = client.merge(task.id(), false, true);

    assertThat(merged.branch()).isEqualTo("corral/" + task.id());
    assertThat(merged.acceptedRisk()).anySatisfy(f -> assertThat(f).contains("dist/leak.txt"));
    assertThat(Files.readString(repo.resolve("README"))).isEqualTo("hello\nchanged\n");
    assertThat(ServerFixture.git(repo, "log", "-1", "--format=%B"))
        .contains("Corral-Accepted-Risk:")
        .contains("dist/leak.txt");
  }

  @Test
  void appliesATaskUnstagedThenDiscardsItsWorkspace() throws Exception {
    Path source = ServerFixture.repo(temp.resolve("apply-repo"));
    TaskView task =
        await(
            client.submit(TaskRequest.of(source.toString(), "shell", "echo more >> README")).id());
    assertThat(task.state()).isEqualTo("succeeded");
    var applied = client.apply(task.id(), false);

    assertThat(applied.paths()).containsExactly("README");
    assertThat(Files.readString(source.resolve("README"))).isEqualTo("hello\nmore\n");
    assertThat(ServerFixture.git(source, "status", "--porcelain")).isEqualTo(" M README\n");
    assertThat(ServerFixture.git(source, "for-each-ref", "refs/corral/" + task.id() + "/"))
        .isNotBlank();

    client.discard(task.id());

    assertThat(ServerFixture.git(source, "for-each-ref", "refs/corral/" + task.id() + "/"))
        .as("the refs pinning the task's base are gone with its workspace")
        .isBlank();
    assertThat(client.diff(task.id())).as("results stay").contains("+more");
    assertThatThrownBy(() -> client.discard(task.id()))
        .isInstanceOfSatisfying(
            CorralApiException.class, e -> assertThat(e.status()).isEqualTo(409));
  }

  @Test
  void runsATaskFromAGitUrlThroughAMirrorAndRefusesToMergeIt() throws Exception {
    Path origin = ServerFixture.repo(temp.resolve("origin"));
    ServerFixture.git(origin, "checkout", "-q", "-b", "feature");
    Files.writeString(origin.resolve("feature.txt"), "feature\n");
    ServerFixture.git(origin, "add", "feature.txt");
    ServerFixture.git(
        origin, "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", "f");
    ServerFixture.git(origin, "checkout", "-q", "main");
    String url = "file://" + origin;

    TaskView first =
        await(client.submit(TaskRequest.of(url, "shell", "cat README > seen.txt")).id());
    TaskView second =
        await(
            client
                .submit(
                    new TaskRequest(
                        url,
                        "feature",
                        "shell",
                        "cat feature.txt > seen.txt",
                        null,
                        null,
                        null,
                        null,
                        60L,
                        null))
                .id());

    assertThat(first.state()).as(client.log(first.id(), 0)).isEqualTo("succeeded");
    assertThat(client.log(first.id(), 0)).contains("cloning " + url + " into a mirror");
    assertThat(client.diff(first.id())).contains("+++ b/seen.txt").contains("+hello");
    assertThat(second.state()).as(client.log(second.id(), 0)).isEqualTo("succeeded");
    assertThat(client.log(second.id(), 0)).contains("fetching " + url + " into its mirror");
    assertThat(client.diff(second.id())).contains("+feature");
    try (var mirrors = Files.list(fixture.data.resolve("mirrors"))) {
      assertThat(mirrors).hasSize(1);
    }
    assertThatThrownBy(() -> client.merge(first.id()))
        .isInstanceOfSatisfying(
            CorralApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.problem().detail()).contains("not a local repository");
            });
    assertThat(ServerFixture.git(origin, "status", "--porcelain")).isEmpty();
  }

  @Test
  void streamsTheLogOverSseAndResumesFromAnOffsetWithoutGapsOrRepeats() {
    TaskView task =
        client.submit(
            pipes("for i in $(seq 1 200); do echo line-$i; sleep 0.002; done; echo ✓ end"));
    StringBuilder seen = new StringBuilder();
    LogEnd end = client.follow(task.id(), 0, chunk -> seen.append(chunk.text()));

    assertThat(end.state()).isEqualTo("succeeded");
    String full = client.log(task.id(), 0);
    assertThat(seen.toString()).isEqualTo(full).startsWith("line-1\n").endsWith("✓ end\n");

    int cut = full.indexOf("line-100\n");
    long offset = full.substring(0, cut).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    StringBuilder rest = new StringBuilder();
    client.follow(task.id(), offset, chunk -> rest.append(chunk.text()));
    assertThat(rest.toString()).isEqualTo(full.substring(cut));
  }

  @Test
  void aClientThatDisconnectsMidStreamLeavesTheTaskAndServerWorking() throws Exception {
    TaskView task = client.submit(shell("echo first; sleep 1; echo second"));
    var http = java.net.http.HttpClient.newHttpClient();
    var response =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    fixture.base().resolve("/api/v1/tasks/" + task.id() + "/events"))
                .header("Authorization", "Bearer " + fixture.token)
                .header("Accept", "text/event-stream")
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    try (var in = response.body()) {
      assertThat(in.read()).isNotNegative();
    }

    assertThat(await(task.id()).state()).isEqualTo("succeeded");
    assertThat(client.log(task.id(), 0)).isEqualTo("first\r\nsecond\r\n");
    assertThat(client.health().status()).isEqualTo("ok");
  }

  @Test
  void timesOutATaskThatRunsTooLong() {
    TaskView task =
        client.submit(
            new TaskRequest(
                repo.toString(),
                null,
                "shell",
                "echo start; sleep 30",
                null,
                null,
                null,
                null,
                1L,
                null));
    TaskView ended = await(task.id());
    assertThat(ended.state()).isEqualTo("timed_out");
    assertThat(ended.reason()).contains("timed out");
    assertThat(client.log(task.id(), 0)).contains("start");
  }

  @Test
  void cancelsARunningTask() {
    TaskView task = client.submit(shell("echo started; sleep 30"));
    awaitState(task.id(), "running");
    TaskView cancelled = client.cancel(task.id());
    assertThat(cancelled.state()).isEqualTo("cancelled");
    assertThat(await(task.id()).state()).isEqualTo("cancelled");
    assertThatThrownBy(() -> client.cancel(task.id()))
        .isInstanceOfSatisfying(
            CorralApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(409);
              assertThat(e.problem().detail()).contains("already ended (cancelled)");
            });
  }

  @Test
  void failedAgentExitCodeFailsTheTask() {
    TaskView task = await(client.submit(shell("echo oops >&2; exit 3")).id());
    assertThat(task.state()).isEqualTo("failed");
    assertThat(task.exitCode()).isEqualTo(3);
    assertThat(task.reason()).isEqualTo("agent exited with 3");
  }

  @Test
  void listsTasksNewestFirstAndByState() {
    TaskView a = await(client.submit(shell("true")).id());
    TaskView b = await(client.submit(shell("exit 1")).id());
    List<TaskView> all = client.tasks(Optional.empty(), 1000);
    assertThat(all.indexOf(findIn(all, b.id()))).isLessThan(all.indexOf(findIn(all, a.id())));
    assertThat(client.tasks(Optional.of("failed"), 1000))
        .extracting(TaskView::id)
        .contains(b.id())
        .doesNotContain(a.id());
  }

  private static TaskView findIn(List<TaskView> tasks, String id) {
    return tasks.stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
  }
}
