package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.cli.CliStreams;
import dev.corral.core.CorralDirs;
import dev.corral.core.HostPath;
import dev.corral.tck.Capability;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Clone workspaces end to end on the real native backend and real git: {@code corral run
 * --workspace-mode clone}, then diff, ls, merge, apply and rm. The attack tests plant code in the
 * clone's {@code .git} (hooks, {@code core.fsmonitor}, a pager, a filter driver, {@code
 * include.path}) that would create a marker file on the host if the host ever ran git in the clone,
 * and assert the marker never appears.
 */
class WorkspaceAirlockTest {
  @TempDir Path tmp;
  private Path repo;
  private CorralDirs dirs;
  private Path marker;

  record Result(int code, String out, String err) {}

  @BeforeEach
  void setUp() throws Exception {
    Capability.require(Files.isExecutable(Path.of("/usr/bin/bwrap")), "bubblewrap");
    repo = Files.createDirectories(tmp.resolve("project"));
    dirs = CorralDirs.from(Map.of(), HostPath.of(tmp.resolve("home")));
    marker = tmp.resolve("host-marker");
    git(repo, "init", "-q", "-b", "main");
    git(repo, "config", "user.name", "Test");
    git(repo, "config", "user.email", "test@example.com");
    Files.writeString(repo.resolve("app.txt"), "one\ntwo\n");
    git(repo, "add", "-A");
    git(repo, "commit", "-q", "-m", "init");
  }

  private Result corral(String... args) {
    return corral(CliStreams.piped(new ByteArrayInputStream(new byte[0])), args);
  }

  private Result corral(CliStreams streams, String... args) {
    CommandLine cl =
        Main.commandLine(dirs, Map.of("PATH", "/usr/bin:/bin"), HostPath.of(repo), streams);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private Path clone(String name) {
    return dirs.data().path().resolve("workspaces/" + name + "/clone");
  }

  @Test
  void lsShowsARunningCloneSandboxWithItsBackendAndItsWorkspace() throws Exception {
    var run =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                corral(
                    "run",
                    "--workspace-mode",
                    "clone",
                    "--name",
                    "live",
                    "--",
                    "sh",
                    "-c",
                    "echo x > new.txt; while [ ! -e stop ]; do sleep 0.1; done"),
            r -> Thread.ofVirtual().start(r));
    Path started = clone("live").resolve("new.txt");
    for (int i = 0; i < 600 && !Files.exists(started); i++) {
      Thread.sleep(100);
    }
    assertThat(started).as("the sandbox started").exists();

    Result ls = corral("ls");
    assertThat(ls.out())
        .containsPattern("\\nlive\\s+running\\s+native\\s+corral/live\\s+0\\s+0\\s+0\\s+sh\\s");
    var rows =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(corral("ls", "--output", "json").out());
    var live =
        java.util.stream.StreamSupport.stream(rows.spliterator(), false)
            .filter(n -> n.get("name").asText().equals("live"))
            .findFirst()
            .orElseThrow();
    assertThat(live.get("state").asText()).isEqualTo("running");
    assertThat(live.at("/sandbox/backend").asText()).isEqualTo("native");
    assertThat(live.at("/workspace/branch").asText()).isEqualTo("corral/live");
    assertThat(live.at("/workspace/state").asText()).isEqualTo("running");

    Files.createFile(clone("live").resolve("stop"));
    assertThat(run.get().code()).isZero();
    assertThat(corral("ls").out())
        .containsPattern("\\nlive\\s+stopped\\s+-\\s+corral/live\\s+1\\s+0\\s+2\\s+sh\\s");
  }

  @Test
  void aCloneSandboxWorksOnItsOwnBranchAndTheUserMergesAfterReview() throws Exception {
    Result run =
        corral(
            "run",
            "--workspace-mode",
            "clone",
            "--name",
            "agent1",
            "--",
            "sh",
            "-c",
            "echo three >> app.txt; echo new > new.txt; git add new.txt;"
                + " git -c user.name=a -c user.email=a commit -q -m 'agent commit';"
                + " echo later > later.txt; test ! -e "
                + repo
                + "/app.txt && echo repo-hidden");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("repo-hidden");
    assertThat(run.err()).contains("work of agent1 is on branch corral/agent1 (3 files changed)");
    assertThat(Files.readString(repo.resolve("app.txt"))).isEqualTo("one\ntwo\n");

    Result diff = corral("diff", "agent1");
    assertThat(diff.out()).contains("+three", "+++ b/new.txt", "+++ b/later.txt");
    assertThat(corral("diff", "agent1", "--stat").out())
        .contains(" app.txt   | +1 -0", "3 files changed, 3 insertions(+), 0 deletions(-)");
    Result ls = corral("ls");
    assertThat(ls.out())
        .contains("NAME", "agent1", "stopped", "corral/agent1")
        .containsPattern("agent1\\s+stopped\\s+-\\s+corral/agent1\\s+2\\s+0\\s+3\\s+sh");
    assertThat(corral("ls", "--output", "json").out())
        .contains("\"ahead\" : 2", "\"changedFiles\" : 3");

    Result merge = corral("merge", "agent1");
    assertThat(merge.code()).as(merge.err()).isZero();
    assertThat(Files.readString(repo.resolve("app.txt"))).isEqualTo("one\ntwo\nthree\n");
    assertThat(git(repo, "log", "-1", "--format=%s")).startsWith("Merge corral/agent1");
    assertThat(git(repo, "log", "-3", "--format=%an <%ae>")).contains("corral <sh>");

    Result rm = corral("rm", "agent1");
    assertThat(rm.code()).as(rm.err()).isZero();
    assertThat(clone("agent1")).doesNotExist();
  }

  @Test
  void cloneModeExplainsThatItNeedsARepository() throws Exception {
    Path plain = Files.createDirectories(tmp.resolve("plain"));

    Result r =
        corral("run", "--workspace-mode", "clone", "--workspace", plain.toString(), "--", "true");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("--workspace-mode clone needs a git repository, but " + plain + " is not in one")
        .contains("use --workspace-mode mount");
    Result mount = corral("run", "--workspace", plain.toString(), "--", "true");
    assertThat(mount.code()).as(mount.err()).isZero();
  }

  @Test
  void rmRefusesUnmergedWorkWithoutATerminalUnlessForced() throws Exception {
    corral(
        "run", "--workspace-mode", "clone", "--name", "keep", "--", "sh", "-c", "echo x > x.txt");

    Result refused = corral("rm", "keep");

    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).contains("not removing keep has 1 commit(s) on corral/keep");
    assertThat(clone("keep")).exists();
    assertThat(corral("rm", "keep", "--force").code()).isZero();
    assertThat(clone("keep")).doesNotExist();
  }

  @Test
  void rmAsksAtATerminalBeforeDroppingUnmergedWork() throws Exception {
    corral("run", "--workspace-mode", "clone", "--name", "ask", "--", "sh", "-c", "echo x > x.txt");

    Result no = corral(terminalAnswering("n\n"), "rm", "ask");

    assertThat(no.code()).isEqualTo(2);
    assertThat(no.err())
        .contains("ask has 1 commit(s) on corral/ask you did not merge. Remove it and lose them?")
        .contains("kept ask");
    assertThat(clone("ask")).exists();

    Result yes = corral(terminalAnswering("y\n"), "rm", "ask");

    assertThat(yes.code()).as(yes.err()).isZero();
    assertThat(clone("ask")).doesNotExist();
  }

  private static CliStreams terminalAnswering(String answer) {
    return new CliStreams(
        new ByteArrayInputStream(answer.getBytes(StandardCharsets.UTF_8)), false, true);
  }

  /** Code planted in the clone's .git that would touch {@link #marker} if git ran on the host. */
  private void plantEverywhere(Path clone) throws IOException {
    Path evil = clone.resolve(".git/evil.sh");
    Files.writeString(evil, "#!/bin/sh\ntouch " + marker + "\nexit 0\n");
    Files.setPosixFilePermissions(evil, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path hooks = clone.resolve(".git/hooks");
    for (String hook :
        List.of(
            "post-checkout",
            "post-commit",
            "pre-commit",
            "post-merge",
            "pre-auto-gc",
            "reference-transaction",
            "post-index-change",
            "pre-push")) {
      Path h = hooks.resolve(hook);
      Files.writeString(h, "#!/bin/sh\ntouch " + marker + "\n");
      Files.setPosixFilePermissions(h, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.writeString(clone.resolve(".git/included"), "[core]\n\tpager = " + evil + "\n");
    Files.writeString(
        clone.resolve(".git/config"),
        "\n[core]\n\tfsmonitor = "
            + evil
            + "\n\tsshCommand = "
            + evil
            + "\n"
            + "[include]\n\tpath = "
            + clone.resolve(".git/included")
            + "\n"
            + "[filter \"evil\"]\n\tclean = "
            + evil
            + "\n\tsmudge = "
            + evil
            + "\n"
            + "[diff \"evil\"]\n\ttextconv = "
            + evil
            + "\n\tcommand = "
            + evil
            + "\n",
        java.nio.file.StandardOpenOption.APPEND);
    Files.writeString(clone.resolve(".gitattributes"), "* filter=evil diff=evil\n");
  }

  @Test
  void codePlantedInTheClonesGitNeverRunsOnTheHost() throws Exception {
    assertThat(
            corral(
                    "run",
                    "--workspace-mode",
                    "clone",
                    "--name",
                    "evil",
                    "--",
                    "sh",
                    "-c",
                    "echo changed > app.txt")
                .code())
        .isZero();
    Path clone = clone("evil");
    plantEverywhere(clone);
    // Control: the planted code does run when git runs in (a copy of) the clone on the host.
    Path copy = tmp.resolve("control");
    assertThat(new ProcessBuilder("cp", "-a", clone.toString(), copy.toString()).start().waitFor())
        .isZero();
    Files.writeString(copy.resolve("app.txt"), "touched\n");
    git(copy, "status");
    assertThat(marker).as("control: git on the host runs planted code").exists();
    Files.delete(marker);

    // More work left uncommitted, and the run "crashed": the next command saves it.
    Files.writeString(clone.resolve("later.txt"), "later\n");
    simulateCrash("evil");
    Result ls = corral("ls");
    assertThat(ls.err()).contains("saved the work of evil");
    assertThat(ls.out()).containsPattern("evil\\s+stopped");
    assertThat(marker).as("after the sandboxed save").doesNotExist();

    // The planted clean filter ran inside the save sandbox (emptying what it saved): an agent can
    // only tamper with its own work, and the diff shows exactly what was saved.
    assertThat(corral("diff", "evil").out())
        .contains("+++ b/.gitattributes", "+++ b/later.txt", "--- a/app.txt");
    assertThat(corral("diff", "evil", "--stat").code()).isZero();
    assertThat(corral("review", "evil").code()).isIn(0, 1);
    assertThat(marker).as("after diff, review and ls").doesNotExist();

    Result merge = corral("merge", "evil", "--accept-risk");
    assertThat(merge.code()).as(merge.err()).isZero();
    assertThat(marker).as("after merge").doesNotExist();

    assertThat(corral("rm", "evil").code()).isZero();
    assertThat(marker).as("after rm").doesNotExist();
  }

  @Test
  void applyPutsChangesUnstagedAndPlantedCodeStaysDead() throws Exception {
    corral(
        "run",
        "--workspace-mode",
        "clone",
        "--name",
        "ap",
        "--",
        "sh",
        "-c",
        "echo applied >> app.txt");
    plantEverywhere(clone("ap"));

    Result apply = corral("apply", "ap");

    assertThat(apply.code()).as(apply.err()).isZero();
    assertThat(git(repo, "status", "--porcelain")).isEqualTo("M app.txt");
    assertThat(git(repo, "diff", "--cached", "--name-only")).isEmpty();
    assertThat(marker).doesNotExist();
  }

  /** Marks the workspace as running under a corral process that no longer exists. */
  private void simulateCrash(String name) throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path meta = dirs.data().path().resolve("workspaces/" + name + "/workspace.json");
    String json = Files.readString(meta);
    json =
        json.replaceFirst("\"state\" : \"STOPPED\"", "\"state\" : \"RUNNING\"")
            .replaceFirst("\"ownerPid\" : \\d+", "\"ownerPid\" : " + gone.pid());
    Files.writeString(meta, json);
  }

  static String git(Path dir, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("timeout", "60", "git", "-C", dir.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(command + ": " + out).isZero();
    return out.strip();
  }
}
