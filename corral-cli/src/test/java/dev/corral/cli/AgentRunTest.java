package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.AgentCatalog;
import dev.corral.core.AgentPreset;
import dev.corral.core.CorralConfig;
import dev.corral.core.EgressPort;
import dev.corral.core.EgressRules;
import dev.corral.core.HostPath;
import dev.corral.core.Mount;
import dev.corral.core.NetworkMode;
import dev.corral.core.SandboxSpec;
import dev.corral.engine.AgentLaunch;
import dev.corral.engine.HostInstall;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code corral run AGENT} and {@code corral login AGENT} against a fake backend. */
class AgentRunTest {
  @TempDir Path workdir;
  FakeBackend backend = new FakeBackend("fake");
  CliHarness cli;
  final HostPath home = HostPath.of(System.getProperty("user.home"));

  static final AgentPreset ECHOER =
      new AgentPreset(
          "echoer",
          "prints its arguments",
          List.of("echo"),
          List.of("--yes"),
          List.of("echo", "login"),
          List.of(),
          new AgentPreset.Install("apt-get install coreutils", List.of(), List.of()),
          List.of("@npm", "api.echo.test"),
          List.of("api.echo.test"),
          List.of(".echoer/", ".echoer.json"),
          List.of(".echoerrc"),
          Map.of("ECHOER_HOME", "~/.echoer"),
          List.of("ECHOER_KEY"),
          "https://example.com/echoer");

  /** The rules the engine handed to the egress gateway. */
  EgressRules egress = EgressRules.NONE;

  @BeforeEach
  void setUp() {
    cli = new CliHarness(workdir, backend);
    cli.gateway =
        (id, workspace, rules) -> {
          egress = rules;
          return new EgressPort.Lease() {
            @Override
            public HostPath socket() {
              return HostPath.of(workdir.resolve("egress.sock"));
            }

            @Override
            public List<String> deniedHosts() {
              return List.of();
            }

            @Override
            public void close() {}
          };
        };
    CorralConfig config = CorralConfig.DEFAULT.withAgents(AgentCatalog.of(List.of(ECHOER)));
    cli.config = workspace -> config;
    cli.env = Map.of("PATH", "/usr/bin:/bin", "ECHOER_KEY", "secret-1");
  }

  @Test
  void onDockerBuildsTheAgentIntoTheImageInsteadOfBindingTheHostInstall() {
    AgentPreset npmAgent =
        new AgentPreset(
            "npmagent",
            "installed with npm",
            List.of("npmagent"),
            List.of("--yes"),
            List.of("npmagent", "login"),
            List.of(),
            new AgentPreset.Install(
                "npm i -g npmagent", List.of("npm install -g npmagent"), List.of()),
            List.of("api.echo.test"),
            List.of("api.echo.test"),
            List.of(".npmagent/"),
            List.of(),
            Map.of("NPMAGENT_HOME", "~/.npmagent"),
            List.of("ECHOER_KEY"),
            "https://example.com/npmagent");
    FakeBackend docker = new FakeBackend("docker");
    CliHarness h = new CliHarness(workdir, docker);
    h.gateway = cli.gateway;
    h.env = cli.env;
    CorralConfig config =
        CorralConfig.DEFAULT.withAgents(AgentCatalog.of(List.of(ECHOER, npmAgent)));
    h.config = workspace -> config;

    // npmagent is not on the host's PATH: natively that is exit code 4, here the image has it.
    var r = h.run("run", "--backend", "docker", "npmagent", "--", "hi");
    assertThat(r.code()).as(r.err()).isZero();
    SandboxSpec spec = Objects.requireNonNull(docker.started);
    assertThat(spec.container().image()).isEqualTo(new dev.corral.core.ImageSource.Stack("node"));
    assertThat(spec.container().layers()).containsExactly("RUN npm install -g npmagent");
    assertThat(spec.command()).containsExactly("npmagent", "--yes", "hi");
    assertThat(spec.mounts())
        .allMatch(m -> m.access() == Mount.Access.READ_WRITE)
        .extracting(m -> m.target().value())
        .containsExactly(home.resolve(".npmagent").toString());
    assertThat(spec.env())
        .containsEntry("ECHOER_KEY", "secret-1")
        .containsEntry("NPMAGENT_HOME", home.resolve(".npmagent").toString())
        .doesNotContainKey("PATH");
    assertThat(spec.network()).isInstanceOf(NetworkMode.Gateway.class);
    assertThat(
            egress.layers().stream()
                .filter(l -> l.kind() == EgressRules.Kind.AGENT)
                .findFirst()
                .orElseThrow()
                .allow())
        .containsExactly("api.echo.test");

    // --image: the same steps on the named image.
    h.run("run", "--backend", "docker", "--image", "python", "--lockdown", "npmagent");
    spec = Objects.requireNonNull(docker.started);
    assertThat(spec.container().image()).isEqualTo(new dev.corral.core.ImageSource.Stack("python"));
    assertThat(spec.container().layers()).containsExactly("RUN npm install -g npmagent");
    assertThat(spec.mounts()).isEmpty();

    var missing = h.run("run", "--backend", "docker", "echoer");
    assertThat(missing.code()).isEqualTo(3);
    assertThat(missing.err())
        .startsWith(
            "corral: error: agent echoer has no steps to install it into a container image"
                + " (install.docker is empty)");
    var login = h.run("login", "--backend", "docker", "echoer");
    assertThat(login.code()).isEqualTo(3);
  }

  @Test
  void picksTheImageStackTheInstallStepsNeed() {
    assertThat(AgentLaunch.stack(List.of("npm install -g @openai/codex"))).isEqualTo("node");
    assertThat(AgentLaunch.stack(List.of("pip install --break-system-packages aider-chat")))
        .isEqualTo("python");
    assertThat(AgentLaunch.stack(List.of("curl -fsSL https://x/install.sh | bash")))
        .isEqualTo("base");
  }

  private SandboxSpec spec() {
    return Objects.requireNonNull(backend.started, "no sandbox was started");
  }

  private Path data() {
    return workdir.resolve("home/.local/share/corral");
  }

  private List<String> agentAllow() {
    assertThat(spec().network()).isInstanceOf(NetworkMode.Gateway.class);
    return egress.layers().stream()
        .filter(l -> l.kind() == EgressRules.Kind.AGENT)
        .findFirst()
        .orElseThrow()
        .allow();
  }

  @Test
  void runsThePresetWithItsFlagsArgumentsStateEnvironmentAndHosts() {
    var result = cli.run("run", "echoer", "--", "hi", "--there");

    assertThat(result.code()).as(result.toString()).isZero();
    assertThat(spec().command()).containsExactly("echo", "--yes", "hi", "--there");
    Path state = data().resolve("agents/echoer/shared");
    assertThat(spec().mounts())
        .contains(
            new Mount(
                HostPath.of(state.resolve(".echoer")),
                dev.corral.core.SandboxPath.of(home.resolve(".echoer").toString()),
                Mount.Access.READ_WRITE),
            new Mount(
                HostPath.of(state.resolve(".echoer.json")),
                dev.corral.core.SandboxPath.of(home.resolve(".echoer.json").toString()),
                Mount.Access.READ_WRITE));
    assertThat(state.resolve(".echoer.json")).hasContent("{}");
    assertThat(spec().env())
        .containsEntry("ECHOER_HOME", home.resolve(".echoer").toString())
        .containsEntry("ECHOER_KEY", "secret-1");
    assertThat(agentAllow()).containsExactly("@npm", "api.echo.test");
    assertThat(spec().filesystem().hidden())
        .contains(home.resolve(".echoer"), home.resolve(".echoer.json"), home.resolve(".echoerrc"))
        .contains(HostPath.of(data()), HostPath.of(workdir.resolve("home/.config/corral")));
  }

  @Test
  void takesTheWordsAfterThePresetAsItsArgumentsWithoutDoubleDash() {
    cli.run("run", "echoer", "hi");

    assertThat(spec().command()).containsExactly("echo", "--yes", "hi");
  }

  @Test
  void runsAPresetNameAfterDoubleDashAsAPlainCommand() {
    cli.run("run", "--", "echo", "hi");
    assertThat(spec().command()).containsExactly("echo", "hi");

    backend.started = null;
    var result = cli.run("run", "--", "echoer");
    assertThat(spec().command()).containsExactly("echoer");
    assertThat(spec().mounts()).isEmpty();
    assertThat(result.code()).isZero();
  }

  @Test
  void keepsIsolatedStatePerWorkspace() {
    cli.run("run", "--isolated-state", "echoer");

    assertThat(spec().mounts())
        .anySatisfy(
            m ->
                assertThat(m.source().toString())
                    .startsWith(data().resolve("agents/echoer/projects").toString())
                    .contains("/" + workdir.getFileName() + "-"));
  }

  @Test
  void locksDownStateVariablesAndHosts() {
    var result = cli.run("run", "--lockdown", "echoer");

    assertThat(result.code()).as(result.toString()).isZero();
    assertThat(spec().mounts()).isEmpty();
    assertThat(spec().env()).doesNotContainKey("ECHOER_KEY");
    assertThat(agentAllow()).containsExactly("api.echo.test");
  }

  @Test
  void rejectsLockdownWithoutAPresetOrWithExtraMounts() {
    var none = cli.run("run", "--lockdown", "--", "sh");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).startsWith("corral: error: --lockdown needs an agent preset");

    var unknown = cli.run("run", "--lockdown", "echoe");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err())
        .startsWith("corral: error: unknown agent 'echoe'; known agents: echoer");

    var mount = cli.run("run", "--lockdown", "--env", "A=b", "echoer");
    assertThat(mount.code()).isEqualTo(2);
    assertThat(mount.err())
        .startsWith("corral: error: --lockdown allows no --mount, --env or --allow");
  }

  @Test
  void logsInWithTheLoginCommandAndTheSameState() {
    var result = cli.run("login", "echoer", "--extra");

    assertThat(result.code()).as(result.toString()).isZero();
    assertThat(spec().command()).containsExactly("echo", "login", "--extra");
    assertThat(result.err())
        .contains("corral: echoer state: " + data().resolve("agents/echoer/shared"));
    assertThat(agentAllow()).containsExactly("@npm", "api.echo.test");
  }

  @Test
  void saysHowToInstallAMissingAgent() {
    cli.env = Map.of("PATH", "/nonexistent");
    var result = cli.run("run", "echoer");

    assertThat(result.code()).isEqualTo(4);
    assertThat(result.err())
        .startsWith("corral: error: echoer is not installed on this host: echo is not on your PATH")
        .contains("install it with `apt-get install coreutils`");
    assertThat(backend.started).isNull();
  }

  @Test
  void findsThePackageOfAnExecutable() {
    assertThat(
            HostInstall.packageRoot(Path.of("/h/.npm/lib/node_modules/@openai/codex/bin/codex.js")))
        .isEqualTo(Path.of("/h/.npm/lib/node_modules/@openai/codex"));
    assertThat(HostInstall.packageRoot(Path.of("/h/.nvm/lib/node_modules/opencode-ai/bin/oc")))
        .isEqualTo(Path.of("/h/.nvm/lib/node_modules/opencode-ai"));
    assertThat(HostInstall.packageRoot(Path.of("/h/.local/share/claude/versions/2.0.1")))
        .isEqualTo(Path.of("/h/.local/share/claude/versions"));
  }

  @Test
  void bindsAnAgentInstalledUnderTheHomeWithItsInterpreter() throws Exception {
    Path venv = Files.createDirectories(workdir.resolve("venv/bin"));
    Files.writeString(workdir.resolve("venv/pyvenv.cfg"), "home = /usr/bin\n");
    Path python = venv.resolve("python");
    Files.writeString(python, "#!/bin/sh\n");
    Path agent = venv.resolve("agent");
    Files.writeString(agent, "#!" + python + "\nprint('hi')\n");
    Path bin = Files.createDirectories(workdir.resolve("bin"));
    for (Path p : List.of(python, agent)) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.createSymbolicLink(bin.resolve("agent"), agent);
    AgentPreset preset =
        new AgentPreset(
            "py",
            "",
            List.of("agent"),
            List.of(),
            List.of(),
            List.of(),
            AgentPreset.Install.NONE,
            List.of(),
            List.of(),
            List.of(),
            List.of(),
            Map.of(),
            List.of(),
            "");

    HostInstall install =
        HostInstall.find(preset, Map.of("PATH", bin + ":/usr/bin"), HostPath.of(workdir));

    assertThat(install.program()).isEqualTo(bin.resolve("agent"));
    assertThat(install.binds()).containsExactly(bin, workdir.resolve("venv"));
    assertThat(install.path()).containsExactly(bin, venv);
  }
}
