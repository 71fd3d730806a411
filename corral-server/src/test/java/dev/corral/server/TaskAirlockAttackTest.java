package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.api.MergeResult;
import dev.corral.api.ReviewView;
import dev.corral.api.TaskRequest;
import dev.corral.api.TaskView;
import dev.corral.client.CorralApiException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on the server's task airlock: an agent that plants code in its clone's {@code .git} (a
 * filter driver with {@code .gitattributes}, hooks, {@code core.fsmonitor}, {@code include.path})
 * must never get it run on the host, through the task's save, diff, review or merge; and a change
 * review blocks must not merge without {@code acceptRisk}.
 */
class TaskAirlockAttackTest {
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

  /**
   * The agent moves the read-only-protected {@code .git} aside and builds a writable copy with
   * every trap; {@code evil.sh} touches {@code MARKERS/<vector>} on whatever host runs it (the
   * sandboxes' {@code /tmp} is private, so inside a sandbox it cannot reach the markers).
   */
  static String plantEverything(Path markers) {
    return String.join(
        "\n",
        "set -e",
        "printf '#!/bin/sh\\nmkdir -p "
            + markers
            + " && touch "
            + markers
            + "/\"$1\"\\ncat\\n'"
            + " > evil.sh",
        "echo changed >> README",
        "echo '* filter=evil diff=evil' > .gitattributes",
        "mv .git .git.orig",
        "mkdir .git",
        "cp -a .git.orig/. .git/",
        "rm -rf .git/config .git/hooks",
        "cp .git.orig/config .git/config",
        "git config filter.evil.clean 'sh evil.sh filter'",
        "git config filter.evil.smudge 'sh evil.sh filter'",
        "git config core.fsmonitor 'sh evil.sh fsmonitor'",
        "printf '[diff]\\n\\texternal = sh evil.sh include\\n' > .git/included",
        "git config include.path included",
        "mkdir .git/hooks",
        "for h in pre-commit post-commit post-checkout post-merge reference-transaction"
            + " pre-auto-gc post-index-change; do",
        "  printf '#!/bin/sh\\nsh evil.sh hook\\n' > .git/hooks/$h; chmod +x .git/hooks/$h",
        "done",
        "echo planted");
  }

  @Test
  void codePlantedInTheTaskClonesGitNeverRunsOnTheHost() throws Exception {
    Path repo = ServerFixture.repo(temp.resolve("plant-repo"));
    Path markers = temp.resolve("markers");
    TaskView task =
        TaskApiTestSupport.await(
            fixture.client, fixture.client.submit(shell(repo, plantEverything(markers))).id());
    assertThat(task.state()).as(fixture.client.log(task.id(), 0)).isEqualTo("succeeded");
    assertThat(fixture.client.log(task.id(), 0)).contains("planted");

    String diff = fixture.client.diff(task.id());
    ReviewView review = fixture.client.review(task.id());
    assertThat(diff).contains("+++ b/.gitattributes").contains("+++ b/evil.sh");
    assertThat(review.blocking()).isTrue();
    assertThat(review.findings()).anySatisfy(f -> assertThat(f.path()).isEqualTo(".gitattributes"));
    assertThat(markers).as("after save, diff and review").doesNotExist();

    assertThatThrownBy(() -> fixture.client.merge(task.id()))
        .isInstanceOfSatisfying(
            CorralApiException.class, e -> assertThat(e.status()).isEqualTo(409));
    MergeResult merged = fixture.client.merge(task.id(), false, true);
    assertThat(merged.acceptedRisk()).isNotEmpty();
    assertThat(Files.readString(repo.resolve("README"))).isEqualTo("hello\nchanged\n");
    assertThat(markers).as("after merge").doesNotExist();

    // Control: host git in a copy of the clone as the agent left it runs every planted trap.
    Path clone = temp.resolve("xdg-data/workspaces/" + task.id() + "/clone");
    Path copy = temp.resolve("control");
    assertThat(new ProcessBuilder("cp", "-a", clone.toString(), copy.toString()).start().waitFor())
        .isZero();
    Files.writeString(copy.resolve("README"), "touched\n");
    hostGit(copy, "status");
    hostGit(copy, "add", "-A");
    hostGit(copy, "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", "x");
    hostGit(copy, "diff", "HEAD~1");
    try (Stream<Path> fired = Files.list(markers)) {
      assertThat(fired.map(p -> p.getFileName().toString()))
          .as("control: git on the host runs the planted code")
          .contains("filter", "fsmonitor", "hook", "include");
    }
  }

  @Test
  void aChangeReviewBlocksIsRefusedWith409UntilTheRiskIsAccepted() throws Exception {
    Path repo = ServerFixture.repo(temp.resolve("secret-repo"));
    TaskView task =
        TaskApiTestSupport.await(
            fixture.client,
            fixture
                .client
                .submit(
                    shell(
                        repo,
                        "mkdir deploy && echo 'export AWS_ACCESS_KEY_ID=AKIA4QZD7XN2MB5RTW3K'"
                            + " > deploy/env.sh"))
                .id());
    assertThat(task.state()).isEqualTo("succeeded");

    ReviewView review = fixture.client.review(task.id());
    assertThat(review.blocking()).isTrue();
    assertThat(review.findings())
        .anySatisfy(
            f -> {
              assertThat(f.severity()).isEqualTo("block");
              assertThat(f.check()).isEqualTo("secret");
              assertThat(f.path()).isEqualTo("deploy/env.sh");
              assertThat(f.line()).isEqualTo(1);
              assertThat(f.hint()).isNotBlank();
            });
    for (var attempt :
        List.<Runnable>of(
            () -> fixture.client.merge(task.id()),
            () -> fixture.client.merge(task.id(), true, false),
            () -> fixture.client.apply(task.id(), false))) {
      assertThatThrownBy(attempt::run)
          .isInstanceOfSatisfying(
              CorralApiException.class,
              e -> {
                assertThat(e.status()).isEqualTo(409);
                assertThat(e.problem().detail())
                    .contains("blocking finding")
                    .contains("deploy/env.sh");
                assertThat(e.problem().hint()).contains("acceptRisk");
              });
    }
    assertThat(repo.resolve("deploy")).as("nothing merged or applied").doesNotExist();
    assertThat(ServerFixture.git(repo, "log", "--oneline")).hasLineCount(1);

    MergeResult merged = fixture.client.merge(task.id(), true, true);

    assertThat(merged.acceptedRisk()).anySatisfy(f -> assertThat(f).contains("deploy/env.sh"));
    assertThat(repo.resolve("deploy/env.sh")).exists();
    assertThat(ServerFixture.git(repo, "log", "-1", "--format=%B"))
        .contains("Corral-Accepted-Risk:");
  }

  static TaskRequest shell(Path repo, String script) {
    return TaskRequest.of(repo.toString(), "shell", script);
  }

  private static void hostGit(Path dir, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    new ProcessBuilder(command)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start()
        .waitFor();
  }
}
