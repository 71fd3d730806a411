package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.cli.CliStreams;
import dev.corral.core.CorralDirs;
import dev.corral.core.EventSink;
import dev.corral.core.HostPath;
import dev.corral.engine.Engine;
import dev.corral.nativebackend.NativeBackendProvider;
import dev.corral.server.CloneTaskWorkspaces;
import dev.corral.server.CorralServer;
import dev.corral.server.ServerConfig;
import dev.corral.server.ShellAgent;
import dev.corral.store.SqliteStore;
import dev.corral.tck.Capability;
import dev.corral.workspace.ReviewSettings;
import dev.corral.workspace.Workspaces;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code corral task} in process, against a real local server found through its data dir. */
class TaskCommandsTest {
  @TempDir static Path home;
  static SqliteStore store;
  static CorralServer server;
  static Path repo;

  @BeforeAll
  static void start() throws Exception {
    var availability = new NativeBackendProvider().probe();
    Capability.require(availability.usable(), "the native backend (" + availability + ")");
    CorralDirs dirs = CorralDirs.from(Map.of(), HostPath.of(home));
    Path data = dirs.serverData().path();
    store = SqliteStore.open(data.resolve("store.db"), true);
    Engine engine = Engine.load(dirs, EventSink.NONE);
    server =
        CorralServer.start(
            ServerConfig.loopback(data, 0, 2),
            store,
            engine,
            new CloneTaskWorkspaces(
                new Workspaces(dirs), engine, data.resolve("mirrors"), ReviewSettings.DEFAULT),
            new ShellAgent());
    Files.writeString(CorralServer.urlFile(data), "http://127.0.0.1:" + server.port() + "\n");
    repo = home.resolve("repo");
    Files.createDirectories(repo);
    Files.writeString(repo.resolve("notes.txt"), "one\n");
    git("init", "--quiet", "--initial-branch=main");
    git("add", "notes.txt");
    git("-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "--quiet", "-m", "first");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
  }

  private static void git(String... args) throws Exception {
    var command = new java.util.ArrayList<>(java.util.List.of("git", "-C", repo.toString()));
    command.addAll(java.util.List.of(args));
    assertThat(new ProcessBuilder(command).inheritIO().start().waitFor()).isZero();
  }

  private static String[] run(Path userHome, String... args) {
    return runWithInput(userHome, "", args);
  }

  private static String[] runWithInput(Path userHome, String input, String... args) {
    CommandLine cl =
        Main.commandLine(
            CorralDirs.from(Map.of(), HostPath.of(userHome)),
            Map.of("PATH", "/usr/bin:/bin", "HOME", userHome.toString()),
            HostPath.of(repo),
            CliStreams.piped(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8))),
            java.util.List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  private static String[] run(String... args) {
    return run(home, args);
  }

  @Test
  void submitsFollowsListsShowsDiffsAndMergesATask() throws Exception {
    String[] submitted =
        run(
            "task",
            "submit",
            "--agent",
            "shell",
            "--prompt",
            "echo two >> notes.txt; echo edited",
            "-f");
    assertThat(submitted[2]).isEmpty();
    assertThat(submitted[0]).isEqualTo("0");
    assertThat(submitted[1]).matches("t-[0-9a-f]{16}\nedited\r\n");
    String id = submitted[1].lines().findFirst().orElseThrow();

    assertThat(run("task", "ls")[1]).contains(id + "  succeeded");
    assertThat(run("task", "show", id)[1])
        .contains("state:     succeeded (agent exited with 0)")
        .contains("repo:      " + repo)
        .contains("branch:    corral/" + id)
        .contains("review:    1 files, 0 block, 0 warn, 0 info");
    assertThat(run("task", "show", id, "--output", "json")[1])
        .contains("\"state\" : \"succeeded\"");
    assertThat(run("task", "logs", id)[1]).isEqualTo("edited\r\n");
    assertThat(run("task", "logs", "-f", id)).containsExactly("0", "edited\r\n", "");
    assertThat(run("task", "diff", id)[1]).contains("+two");
    String[] review = run("task", "review", id);
    assertThat(review[0]).isEqualTo("0");
    assertThat(review[1]).endsWith("review: 1 files, 0 block, 0 warn, 0 info\n");
    assertThat(run("diff", id)[1])
        .as("the task's workspace is a clone workspace the local commands see")
        .contains("+two");
    assertThat(run("ls")[1]).containsPattern(id + "\\s+stopped");
    String[] merged = run("task", "merge", id, "--squash");
    assertThat(merged[0]).as(merged[2]).isEqualTo("0");
    assertThat(merged[1]).startsWith("merged corral/" + id + " into " + repo + " as ");
    assertThat(Files.readString(repo.resolve("notes.txt"))).contains("two");
  }

  @Test
  void attachTypesIntoARunningTasksTerminalAndExitsWithTheAgentsCode() {
    String id =
        run(
            "task",
            "submit",
            "--agent",
            "shell",
            "--prompt",
            "read -r line; echo \"typed:[$line]\"; exit 4")[1]
            .strip();

    String[] attached = runWithInput(home, "hello\n", "task", "attach", id);

    assertThat(attached[1]).contains("typed:[hello]");
    assertThat(attached[0]).as(attached[2]).isEqualTo("4");
  }

  @Test
  void attachRefusesATaskWithoutATerminalAndSaysHowToFollowIt() {
    String id =
        run("task", "submit", "--agent", "shell", "--no-terminal", "--prompt", "sleep 5")[1]
            .strip();

    String[] attached = run("task", "attach", id);

    assertThat(attached[2])
        .contains("corral: error: task " + id + " is not running in a terminal")
        .contains("corral task logs -f " + id);
    assertThat(attached[0]).isNotEqualTo("0");
    run("task", "cancel", id);
  }

  @Test
  void followingAFailingTaskExitsWithTheAgentsCode() {
    String[] result = run("task", "submit", "--agent", "shell", "--prompt", "exit 3", "--follow");
    assertThat(result[0]).isEqualTo("3");
  }

  @Test
  void reportsServerRefusalsAsCorralErrorsWithExitCodes() throws Exception {
    assertThat(run("task", "show", "t-0000000000000000"))
        .containsExactly(
            "5",
            "",
            "corral: error: no task t-0000000000000000\n  hint: list the tasks with `corral task ls`\n");
    String[] unknownAgent = run("task", "submit", "--agent", "claudee", "--prompt", "hi");
    assertThat(unknownAgent[0]).isEqualTo("2");
    assertThat(unknownAgent[2])
        .isEqualTo("corral: error: unknown agent 'claudee'\n  hint: known agents: shell\n");
    String id =
        run("task", "submit", "--agent", "shell", "--prompt", "true", "-f")[1]
            .lines()
            .findFirst()
            .orElseThrow();
    String[] cancel = run("task", "cancel", id);
    assertThat(cancel[0]).isEqualTo("6");
    assertThat(cancel[2]).isEqualTo("corral: error: task " + id + " already ended (succeeded)\n");

    Path wrong = home.resolve("wrong-token");
    Files.writeString(wrong, "crl_not-a-token\n");
    String[] refused = run("task", "ls", "--token-file", wrong.toString());
    assertThat(refused[0]).isEqualTo("2");
    assertThat(refused[2])
        .startsWith(
            "corral: error: the server refused the token: invalid or revoked bearer token\n");
  }

  @Test
  void saysHowToStartALocalServerWhenNoneRuns(@TempDir Path elsewhere) {
    String[] result = run(elsewhere, "task", "ls");
    assertThat(result[0]).isEqualTo("4");
    assertThat(result[2])
        .startsWith("corral: error: no local Corral server is running (")
        .endsWith("  hint: start one with `corral server`, or pass --server URL\n");
  }
}
