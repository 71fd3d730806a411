package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.cli.CliStreams;
import dev.corral.core.ApprovalAnswer;
import dev.corral.core.ApprovalRequest;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code corral approvals | approve | deny | answer} in process against a real local server. */
class ApprovalCommandsTest {
  @TempDir static Path home;
  static SqliteStore store;
  static CorralServer server;

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
            ServerConfig.loopback(data, 0, 1),
            store,
            engine,
            new CloneTaskWorkspaces(
                new Workspaces(dirs), engine, data.resolve("mirrors"), ReviewSettings.DEFAULT),
            new ShellAgent());
    Files.writeString(CorralServer.urlFile(data), "http://127.0.0.1:" + server.port() + "\n");
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

  private static String[] run(String... args) {
    CommandLine cl =
        Main.commandLine(
            CorralDirs.from(Map.of(), HostPath.of(home)),
            Map.of("PATH", "/usr/bin:/bin", "HOME", home.toString()),
            HostPath.of(home),
            CliStreams.piped(new ByteArrayInputStream(new byte[0])),
            java.util.List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  private static String idOf(String sandbox) {
    return run("approvals")[1]
        .lines()
        .filter(l -> l.contains(sandbox))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no approval of " + sandbox))
        .substring(0, "apr-00000000".length());
  }

  @Test
  void listsApprovesAlwaysWithAScopeAndRefusesASecondAnswer() throws Exception {
    CompletableFuture<ApprovalAnswer> asked =
        server
            .approvals()
            .open(new ApprovalRequest.Host("cli-box", "pypi.test", 443), Duration.ofMinutes(5));
    String[] listed = run("approvals");
    assertThat(listed[0]).isEqualTo("0");
    assertThat(listed[1])
        .startsWith("ID            KIND    STATE      AGE       WHAT\n")
        .containsPattern(
            "apr-[0-9a-f]{8}  host    pending    [0-9]+s +cli-box wants to reach pypi.test:443");
    String id = idOf("cli-box");

    String[] approved = run("approve", id, "--always", "--scope", "everywhere");

    assertThat(approved).containsExactly("0", id + ": allowed always (everywhere)\n", "");
    assertThat(asked.get(10, TimeUnit.SECONDS))
        .isEqualTo(new ApprovalAnswer.AllowAlways(ApprovalAnswer.Scope.EVERYWHERE));
    String[] again = run("deny", id);
    assertThat(again[0]).isEqualTo("6");
    assertThat(again[2])
        .startsWith("corral: error: approval " + id + " was already answered by token tok-");
    assertThat(run("approvals", "--state", "answered", "--output", "json")[1])
        .contains("\"id\" : \"" + id + "\"")
        .contains("\"scope\" : \"everywhere\"");
  }

  @Test
  void answersAPromptWithTextAndShowsTerminalEscapesInert() throws Exception {
    CompletableFuture<ApprovalAnswer> asked =
        server
            .approvals()
            .open(
                new ApprovalRequest.Prompt("cli-prompt", "screen", "\u001b]0;pwned\u0007Go? (y/n)"),
                Duration.ofMinutes(5));
    String[] listed = run("approvals");
    assertThat(listed[1])
        .contains("cli-prompt asks: \\x1b]0;pwned\\x07Go? (y/n)")
        .doesNotContain("\u001b");
    String id = idOf("cli-prompt");

    assertThat(run("answer", id, "y")).containsExactly("0", id + ": answered with text\n", "");
    assertThat(asked.get(10, TimeUnit.SECONDS)).isEqualTo(new ApprovalAnswer.Text("y"));
  }

  @Test
  void rejectsBadFlagsAndIdsWithAHint() {
    assertThat(run("approve", "apr-00000000", "--scope", "sandbox"))
        .containsExactly(
            "2",
            "",
            "corral: error: --scope goes with --always\n  hint: e.g. corral approve ID --always --scope sandbox\n");
    String[] bad = run("deny", "nope");
    assertThat(bad[0]).isEqualTo("2");
    assertThat(bad[2]).startsWith("corral: error: invalid approval id 'nope'");
    assertThat(run("deny", "apr-00000000")[2])
        .startsWith("corral: error: no approval apr-00000000");
  }
}
