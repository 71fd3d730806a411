package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.CommandException;
import dev.corral.core.ConfigException;
import dev.corral.core.CorralConfig;
import dev.corral.core.EgressRules;
import dev.corral.core.HostPath;
import dev.corral.core.Limit;
import dev.corral.core.Mount;
import dev.corral.core.NetworkMode;
import dev.corral.core.ResourceLimits;
import dev.corral.core.SandboxOutcome;
import dev.corral.core.SandboxPath;
import dev.corral.core.SandboxSpec;
import dev.corral.core.Stdio;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
  @TempDir Path workdir;
  FakeBackend backend = new FakeBackend("fake");
  CliHarness cli;

  @BeforeEach
  void setUp() {
    cli = new CliHarness(workdir, backend);
  }

  private SandboxSpec spec() {
    return Objects.requireNonNull(backend.started, "no sandbox was started");
  }

  @Test
  void turnsEveryFlagIntoTheSpec() {
    var result =
        cli.run(
            "run",
            "--name",
            "box",
            "--memory",
            "2g",
            "--pids",
            "512",
            "--cpus",
            "1",
            "--cpu-time",
            "1h",
            "--file-size",
            "1g",
            "--open-files",
            "1024",
            "--env",
            "A=1",
            "--env",
            "B=x=y",
            "--mount",
            "/opt/data:/data:rw",
            "--hide",
            "/srv/secret",
            "--network",
            "none",
            "--timeout",
            "10m",
            "--no-tty",
            "--",
            "echo",
            "hi");

    assertThat(result.code()).isZero();
    SandboxSpec spec = spec();
    assertThat(spec.id().value()).isEqualTo("box");
    assertThat(spec.workspace()).isEqualTo(HostPath.of(workdir));
    assertThat(spec.command()).containsExactly("echo", "hi");
    assertThat(spec.limits())
        .isEqualTo(new ResourceLimits(2L << 30, 512, 1, Duration.ofHours(1), 1L << 30, 1024));
    assertThat(spec.env()).containsExactlyInAnyOrderEntriesOf(Map.of("A", "1", "B", "x=y"));
    assertThat(spec.mounts())
        .containsExactly(
            new Mount(HostPath.of("/opt/data"), SandboxPath.of("/data"), Mount.Access.READ_WRITE));
    assertThat(spec.filesystem().hidden()).contains(HostPath.of("/srv/secret"));
    assertThat(spec.network()).isEqualTo(NetworkMode.NONE);
    assertThat(spec.timeout()).contains(Duration.ofMinutes(10));
    assertThat(spec.stdio()).isEqualTo(Stdio.PIPE);
  }

  @Test
  void flagsOverrideConfigurationWhichOverridesDefaults() {
    cli.config =
        workspace ->
            new CorralConfig(
                Optional.empty(),
                ResourceLimits.DEFAULT.withMemoryBytes(3L << 30).withPids(100),
                Map.of("FROM", "config", "KEEP", "config"),
                List.of(Mount.parse("/opt/cache:rw")),
                List.of(HostPath.of("/srv/hidden")),
                Optional.empty(),
                Optional.of(Duration.ofHours(2)),
                EgressRules.NONE);

    cli.run("run", "--pids", "512", "--env", "FROM=flag", "--mount", "/opt/tools", "true");

    SandboxSpec spec = spec();
    assertThat(spec.limits().pids()).isEqualTo(512);
    assertThat(spec.limits().memoryBytes()).isEqualTo(3L << 30);
    assertThat(spec.limits().openFiles()).isEqualTo(ResourceLimits.DEFAULT.openFiles());
    assertThat(spec.env()).containsEntry("FROM", "flag").containsEntry("KEEP", "config");
    assertThat(spec.mounts())
        .map(Mount::toString)
        .containsExactly("/opt/cache:/opt/cache:rw", "/opt/tools:/opt/tools:ro");
    assertThat(spec.filesystem().hidden()).contains(HostPath.of("/srv/hidden"));
    assertThat(spec.timeout()).contains(Duration.ofHours(2));
  }

  @Test
  void resolvesRelativeWorkspaceAndCopiesNamedVariablesFromTheEnvironment() throws Exception {
    java.nio.file.Files.createDirectory(workdir.resolve("project"));
    cli.env = Map.of("PATH", "/usr/bin", "TOKEN", "abc");

    cli.run("run", "--workspace", "project", "--env", "TOKEN", "true");

    assertThat(spec().workspace()).isEqualTo(HostPath.of(workdir.resolve("project")));
    assertThat(spec().env()).containsEntry("TOKEN", "abc");
  }

  @Test
  void passesArgumentsAfterTheCommandToTheCommand() {
    cli.run("run", "ls", "-la", "--name", "x");

    assertThat(spec().command()).containsExactly("ls", "-la", "--name", "x");
  }

  @Test
  void startsALoginShellWithoutACommand() {
    cli.run("run");

    assertThat(spec().command()).isIn(List.of("bash", "-l"), List.of("sh", "-l"));
  }

  @Test
  void passesTheSandboxExitCodeThrough() {
    backend.outcome = new SandboxOutcome.Exited(3);

    assertThat(cli.run("run", "false").code()).isEqualTo(3);
    assertThat(backend.closed).isTrue();
  }

  @Test
  void keepsStdoutAndStderrSeparateAndFeedsStdin() {
    backend.stdout = "hello\n";
    backend.stderr = "oops\n";
    cli.input = "question\n";
    backend.readsStdin = true;

    var result = cli.run("run", "cat");

    assertThat(result.out()).isEqualTo("hello\n");
    assertThat(result.err()).isEqualTo("oops\n");
    assertThat(backend.stdin.toString(java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("question\n");
  }

  @Test
  void saysWhichLimitStoppedTheSandbox() {
    backend.outcome = new SandboxOutcome.LimitExceeded(Limit.MEMORY, "out of memory (2g)", 137);

    var result = cli.run("run", "--name", "box", "--", "big");

    assertThat(result.code()).isEqualTo(137);
    assertThat(result.err())
        .isEqualTo("corral: sandbox box stopped: out of memory (2g) (raise it with --memory)\n");
  }

  @Test
  void saysWhenTheSandboxTimedOut() {
    backend.hangs = true;

    var result = cli.run("run", "--name", "box", "--timeout", "10m", "sleep", "infinity");

    assertThat(result.code()).isEqualTo(124);
    assertThat(result.err())
        .isEqualTo("corral: sandbox box timed out after 10m (raise it with --timeout)\n");
  }

  @Test
  void rendersWarnings() {
    backend.warning = "cgroup v1: CPU limit not enforced";

    assertThat(cli.run("run", "true").err())
        .isEqualTo("corral: warning: cgroup v1: CPU limit not enforced\n");
  }

  @Test
  void rejectsConflictingTerminalFlags() {
    var result = cli.run("run", "--tty", "--no-tty", "true");

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err())
        .isEqualTo(
            "corral: error: --tty and --no-tty conflict\n  hint: give at most one of them\n");
    assertThat(backend.started).isNull();
  }

  @Test
  void rejectsWithChangesInMountMode() {
    var result = cli.run("run", "--with-changes", "true");

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err())
        .isEqualTo(
            """
            corral: error: --with-changes needs a clone workspace
              hint: add --workspace-mode clone
            """);
    assertThat(backend.started).isNull();
  }

  @Test
  void rejectsAnUnknownWorkspaceMode() {
    var result = cli.run("run", "--workspace-mode", "copy", "true");

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).startsWith("corral: error: invalid --workspace-mode 'copy'");
  }

  @Test
  void cloneModeOutsideARepositoryExplainsItAndStartsNothing() {
    var result = cli.run("run", "--workspace-mode", "clone", "true");

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err())
        .contains("--workspace-mode clone needs a git repository, but " + workdir)
        .contains("hint: run `git init");
    assertThat(backend.started).isNull();
  }

  @Test
  void rejectsTtyWithoutATerminal() {
    var result = cli.run("run", "--tty", "true");

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err())
        .isEqualTo(
            """
            corral: error: --tty needs a terminal, but standard input or output is not one
              hint: drop --tty to run with plain pipes
            """);
  }

  @Test
  void rendersErrorsWithTheirHintAndExitCode() {
    backend.failure = CommandException.notFound("claude", "/usr/bin:/bin");

    var result = cli.run("run", "claude");

    assertThat(result.code()).isEqualTo(127);
    assertThat(result.err())
        .isEqualTo(
            "corral: error: command not found in the sandbox: claude\n"
                + "  hint: the sandbox searched PATH=/usr/bin:/bin; give a full path or install"
                + " the command\n");
  }

  @Test
  void reportsConfigurationErrorsWithExitCode3() {
    cli.config =
        workspace -> {
          throw new ConfigException(
              "corral.toml:7: unknown key 'limits.memroy'", "valid keys in [limits]: memory");
        };

    var result = cli.run("run", "true");

    assertThat(result.code()).isEqualTo(3);
    assertThat(result.err())
        .isEqualTo(
            """
            corral: error: corral.toml:7: unknown key 'limits.memroy'
              hint: valid keys in [limits]: memory
            """);
  }

  @Test
  void namesTheFlagOfAnInvalidValue() {
    var result = cli.run("run", "--memory", "lots", "true");

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err())
        .isEqualTo(
            "corral: error: --memory: invalid size 'lots': use a number with an optional unit k,"
                + " m, g or t (e.g. 2g)\n");
  }

  @Test
  void rejectsAnUnknownBackendNamingTheKnownOnes() {
    var result = cli.run("run", "--backend", "vm", "true");

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err())
        .isEqualTo("corral: error: unknown backend 'vm'\n  hint: choose one of: fake\n");
  }

  @Test
  void rejectsUnknownOptionsWithAUsageHint() {
    var result = cli.run("run", "--memroy", "2g", "true");

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err())
        .startsWith("corral: error: Unknown option: '--memroy'\n")
        .endsWith("  hint: see 'corral run --help'\n");
  }

  @Test
  void reportsUnexpectedFailuresAsInternalErrors() {
    backend.failure = new IllegalStateException("boom");

    var result = cli.run("run", "true");

    assertThat(result.code()).isEqualTo(125);
    assertThat(result.err())
        .isEqualTo(
            "corral: internal error: java.lang.IllegalStateException: boom"
                + " (run with --debug for details)\n");
  }

  @Test
  void showsStackTracesOnlyWithDebug() {
    backend.failure = new IllegalStateException("boom");

    var result = cli.run("run", "--debug", "true");

    assertThat(result.code()).isEqualTo(125);
    assertThat(result.err())
        .contains("corral: starting sandbox ")
        .contains("corral: internal error: java.lang.IllegalStateException: boom\n")
        .contains("\tat dev.corral.cli.RunCommandTest.showsStackTracesOnlyWithDebug");
  }
}
