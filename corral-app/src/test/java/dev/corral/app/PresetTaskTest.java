package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.api.TaskRequest;
import dev.corral.api.TaskView;
import dev.corral.client.CorralApiException;
import dev.corral.client.CorralClient;
import dev.corral.core.CorralDirs;
import dev.corral.core.EventSink;
import dev.corral.core.HostPath;
import dev.corral.engine.Engine;
import dev.corral.nativebackend.NativeBackendProvider;
import dev.corral.server.CatalogAgents;
import dev.corral.server.CloneTaskWorkspaces;
import dev.corral.server.CorralServer;
import dev.corral.server.ServerConfig;
import dev.corral.store.SqliteStore;
import dev.corral.tck.Capability;
import dev.corral.workspace.ReviewSettings;
import dev.corral.workspace.Workspaces;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server tasks with the agent presets of the real catalog ({@code agents.toml} plus the user's
 * {@code [agents.NAME]}): a fake {@code claude} on the server's PATH (no API key exists here)
 * records how the task ran it — the preset's headless argv with its yolo flag, its environment and
 * its persisted state directory — and the run goes through the real egress gateway.
 */
class PresetTaskTest {
  @TempDir static Path home;
  static SqliteStore store;
  static CorralServer server;
  static CorralClient client;
  static Path repo;
  static CorralDirs dirs;
  static Path secret;

  @BeforeAll
  static void start() throws Exception {
    var availability = new NativeBackendProvider().probe();
    Capability.require(availability.usable(), "the native backend (" + availability + ")");
    dirs = CorralDirs.from(Map.of(), HostPath.of(home));
    Files.createDirectories(dirs.config().path());
    // Outside /tmp (a sandbox's /tmp is its own): visible to every sandbox unless hidden.
    Path outside = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "hide-");
    secret = Files.createDirectories(outside.resolve("secret"));
    Files.writeString(secret.resolve("key"), "user-hidden-secret\n");
    Files.writeString(outside.resolve("visible"), "visible-control\n");
    Files.writeString(
        dirs.config().path().resolve("config.toml"),
        "[agents.mine]\ncommand = [\"mine\"]\n[filesystem]\nhide = [\"" + secret + "\"]\n");
    Path bin = Files.createDirectories(home.resolve("bin"));
    Path claude = bin.resolve("claude");
    Files.writeString(
        claude,
        """
        #!/bin/sh
        printf '%s\\n' "$@" > argv.txt
        printf 'config=%s\\nkey=%s\\n' "$CLAUDE_CONFIG_DIR" "$ANTHROPIC_API_KEY" > env.txt
        echo remembered >> "$HOME/.claude/memory"
        echo fake-claude-ran
        """);
    Files.setPosixFilePermissions(claude, PosixFilePermissions.fromString("rwxr-xr-x"));
    Map<String, String> env =
        Map.of("PATH", bin + ":/usr/bin:/bin", "ANTHROPIC_API_KEY", "sk-test-placeholder");
    TomlConfigSource config = TomlConfigSource.of(dirs);
    GatewayEgress egress = new GatewayEgress(dirs, config);
    Engine engine = Engine.load(dirs, EventSink.NONE, egress);
    Path data = dirs.serverData().path();
    store = SqliteStore.open(data.resolve("store.db"), true);
    server =
        CorralServer.start(
            ServerConfig.loopback(data, 0, 2),
            store,
            engine,
            new CloneTaskWorkspaces(
                new Workspaces(dirs), engine, data.resolve("mirrors"), ReviewSettings.DEFAULT),
            new CatalogAgents(
                config.load(HostPath.of(home)).agents(),
                dirs,
                env,
                HostPath.of(System.getProperty("user.home")),
                config.load(HostPath.of(home)).hidden()));
    client =
        CorralClient.of(
            URI.create("http://127.0.0.1:" + server.port()),
            Files.readString(CorralServer.tokenFile(data)).strip());
    repo = Files.createDirectories(home.resolve("repo"));
    Files.writeString(repo.resolve("README"), "hello\n");
    git("init", "-q", "-b", "main");
    git("add", "README");
    git("-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", "first");
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

  @Test
  void aClaudeTaskRunsThePresetsHeadlessCommandWithItsYoloFlagStateAndEnvironment()
      throws Exception {
    String prompt = "fix the tests; don't touch $HOME";
    TaskView task = await(client.submit(TaskRequest.of(repo.toString(), "claude", prompt)).id());

    assertThat(task.state()).as(client.log(task.id(), 0)).isEqualTo("succeeded");
    assertThat(client.log(task.id(), 0)).contains("fake-claude-ran");
    String diff = client.diff(task.id());
    assertThat(diff)
        .as("argv: claude --dangerously-skip-permissions -p PROMPT, the prompt one argument")
        .contains("+--dangerously-skip-permissions\n+-p\n+" + prompt + "\n");
    assertThat(diff)
        .contains("+config=" + Path.of(System.getProperty("user.home"), ".claude"))
        .contains("+key=sk-test-placeholder");
    assertThat(dirs.data().path().resolve("agents/claude/shared/.claude/memory"))
        .as("the preset's state persists where `corral run claude` keeps it")
        .hasContent("remembered");
  }

  @Test
  void whatTheUserHidesInTheirOwnConfigurationStaysHiddenInAWorkspaceAroundIt() throws Exception {
    // A sandbox sees only the system directories, its workspace and its mounts; the user's
    // hidden directory matters where a workspace contains it.
    Path workspace = secret.resolveSibling(".");
    client.createSandbox(
        new dev.corral.api.SandboxRequest(
            "hide-check",
            workspace.toString(),
            List.of(
                "sh",
                "-c",
                "cat visible secret/key 2>/dev/null; ls -A secret 2>/dev/null; echo done"),
            false,
            null,
            null,
            null,
            null,
            null,
            null,
            null));
    try {
      StringBuilder seen = new StringBuilder();
      client.followSandbox("hide-check", 0, c -> seen.append(c.text()));
      assertThat(seen.toString())
          .as("the sibling is readable (control), the hidden directory is empty")
          .isEqualTo("visible-control\ndone\n");
    } finally {
      client.removeSandbox("hide-check");
    }
  }

  @Test
  void unknownAgentsAndPresetsWithoutAHeadlessFormAreRefusedAt400() {
    assertThatThrownBy(() -> client.submit(TaskRequest.of(repo.toString(), "claudee", "x")))
        .isInstanceOfSatisfying(
            CorralApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.problem().detail()).isEqualTo("unknown agent 'claudee'");
              assertThat(e.problem().hint())
                  .startsWith("known agents: ")
                  .contains("aider", "claude", "codex", "gemini", "goose", "mine", "shell");
            });
    assertThatThrownBy(() -> client.submit(TaskRequest.of(repo.toString(), "mine", "x")))
        .isInstanceOfSatisfying(
            CorralApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(400);
              assertThat(e.problem().detail())
                  .isEqualTo("agent mine has no headless form, so it cannot run as a task");
              assertThat(e.problem().hint()).contains("prompt = [");
            });
    assertThatThrownBy(() -> client.submit(TaskRequest.of(repo.toString(), "codex", "x")))
        .as("a preset that is not installed on the server's host")
        .isInstanceOfSatisfying(
            CorralApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(503);
              assertThat(e.problem().detail()).contains("codex is not installed");
            });
  }

  private static TaskView await(String id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      TaskView task = client.task(id);
      if (Set.of("succeeded", "failed", "cancelled", "timed_out").contains(task.state())) {
        return task;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("task " + id + " did not end: " + client.task(id));
  }

  private static void git(String... args) throws Exception {
    var command = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
    command.addAll(List.of(args));
    assertThat(new ProcessBuilder(command).inheritIO().start().waitFor()).isZero();
  }
}
