package dev.corral.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ValuesTest {
  @Test
  void parsesSizesInBinaryUnits() {
    assertThat(ResourceLimits.parseSize("512m")).isEqualTo(512L << 20);
    assertThat(ResourceLimits.parseSize("2GiB")).isEqualTo(2L << 30);
    assertThat(ResourceLimits.parseSize("1.5g")).isEqualTo(3L << 29);
    assertThat(ResourceLimits.parseSize("4096")).isEqualTo(4096);
    assertThat(ResourceLimits.formatSize(64L << 20)).isEqualTo("64m");
  }

  @Test
  void rejectsNonsenseSizesNamingTheInput() {
    assertThatThrownBy(() -> ResourceLimits.parseSize("lots"))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "invalid size 'lots': use a number with an optional unit k, m, g or t (e.g. 2g)");
    assertThatThrownBy(() -> ResourceLimits.parseSize("-1g")).isInstanceOf(UsageException.class);
  }

  @Test
  void parsesDurations() {
    assertThat(ResourceLimits.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(ResourceLimits.parseDuration("15m")).isEqualTo(Duration.ofMinutes(15));
    assertThat(ResourceLimits.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(ResourceLimits.parseDuration("30")).isEqualTo(Duration.ofSeconds(30));
    assertThatThrownBy(() -> ResourceLimits.parseDuration("soon"))
        .hasMessageStartingWith("invalid duration 'soon'");
  }

  @Test
  void refusesLimitsThatCannotWork() {
    assertThatThrownBy(() -> ResourceLimits.DEFAULT.withPids(2))
        .hasMessage("invalid limit pids: must be at least 8");
    assertThatThrownBy(() -> ResourceLimits.DEFAULT.withMemoryBytes(1024))
        .hasMessage("invalid limit memory: must be at least 16m");
  }

  @Test
  void sandboxNamesUseANarrowAlphabet() {
    assertThat(SandboxId.random().value()).matches("[a-z]+-[a-z]+-[0-9a-f]{4}");
    assertThatThrownBy(() -> SandboxId.of("../etc"))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("invalid sandbox name '../etc'");
    assertThatThrownBy(() -> SandboxId.of("Upper")).isInstanceOf(UsageException.class);
  }

  @Test
  void parsesMountsReadOnlyByDefault() {
    assertThat(Mount.parse("/opt/cache").toString()).isEqualTo("/opt/cache:/opt/cache:ro");
    assertThat(Mount.parse("/opt/cache:rw").toString()).isEqualTo("/opt/cache:/opt/cache:rw");
    assertThat(Mount.parse("/opt/a:/b:rw").toString()).isEqualTo("/opt/a:/b:rw");
    assertThatThrownBy(() -> Mount.parse("/a:/b:rx"))
        .hasMessage("invalid mount mode 'rx': use 'ro' or 'rw'");
  }

  @Test
  void expandsTheHomeDirectory() {
    String home = System.getProperty("user.home");
    assertThat(HostPath.expand("~/.m2").path().toString()).isEqualTo(home + "/.m2");
    assertThat(HostPath.of("/a/b/../c").toString()).isEqualTo("/a/c");
  }

  @Test
  void mapsEveryErrorToItsExitCode() {
    assertThat(ExitCodes.of(new UsageException("x"))).isEqualTo(2);
    assertThat(ExitCodes.of(new ConfigException("x"))).isEqualTo(3);
    assertThat(ExitCodes.of(new EnvironmentException("x"))).isEqualTo(4);
    assertThat(ExitCodes.of(new SandboxException("x"))).isEqualTo(125);
    assertThat(ExitCodes.of(CommandException.notExecutable("x"))).isEqualTo(126);
    assertThat(ExitCodes.of(CommandException.notFound("x", "/bin"))).isEqualTo(127);
    assertThat(ExitCodes.of(new NotFoundException("x", null))).isEqualTo(5);
    assertThat(ExitCodes.of(new ConflictException("x", null))).isEqualTo(6);
  }

  @Test
  void normalizesEgressHosts() {
    EgressRequest r =
        EgressRequest.connect(SandboxId.of("a"), EgressRequest.Protocol.CONNECT, "PyPI.org.", 443);
    assertThat(r.host()).isEqualTo("pypi.org");
    assertThatThrownBy(
            () -> EgressRequest.connect(SandboxId.of("a"), EgressRequest.Protocol.HTTP, "x", 0))
        .hasMessage("invalid port 0 for x");
  }

  @Test
  void parsesImageFlagsIntoSources() {
    HostPath ws = HostPath.of("/work/project");
    assertThat(ImageSource.parse("node", ws)).isEqualTo(new ImageSource.Stack("node"));
    assertThat(ImageSource.parse("python:3.12", ws))
        .isEqualTo(new ImageSource.Named("python:3.12"));
    assertThat(ImageSource.parse("devcontainer", ws))
        .isEqualTo(new ImageSource.DevContainer(ws.resolve(".devcontainer/devcontainer.json")));
    assertThat(ImageSource.parse("./docker/Dockerfile", ws))
        .isEqualTo(
            new ImageSource.Dockerfile(
                HostPath.of("/work/project/docker/Dockerfile"),
                HostPath.of("/work/project/docker")));
    assertThatThrownBy(() -> new ImageSource.Named("Bad Image"))
        .hasMessage("invalid image reference 'Bad Image'");
    assertThatThrownBy(() -> ContainerSpec.DEFAULT.withRuntime(java.util.Optional.of("run c")))
        .hasMessage("invalid container runtime 'run c'");
    assertThatThrownBy(() -> ContainerSpec.DEFAULT.withLayers(java.util.List.of("RUN a\nRUN b")))
        .hasMessageStartingWith("invalid image layer");
  }
}
