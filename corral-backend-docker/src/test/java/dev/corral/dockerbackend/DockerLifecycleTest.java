package dev.corral.dockerbackend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.command.CreateContainerResponse;
import dev.corral.core.Backend;
import dev.corral.core.ContainerSpec;
import dev.corral.core.EnvironmentException;
import dev.corral.core.EventSink;
import dev.corral.core.HostPath;
import dev.corral.core.ImageSource;
import dev.corral.core.SandboxException;
import dev.corral.core.SandboxProcess;
import dev.corral.core.SandboxSpec;
import dev.corral.core.SandboxSummary;
import dev.corral.core.UsageException;
import dev.corral.tck.SandboxFixture;
import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The docker backend's lifecycle beyond the contract, and its answers to bad input. */
@Timeout(180)
class DockerLifecycleTest extends SandboxFixture {
  private DockerBackend docker;

  @Override
  protected void requireBackend() {
    DockerBackends.require();
  }

  @BeforeEach
  void handFixture() throws IOException {
    DockerBackends.handFixtureToSandboxUser(temp);
    docker = DockerBackends.create(temp);
  }

  @Override
  protected Backend backend() {
    return DockerBackends.inTestImage(docker, Optional.empty());
  }

  private SandboxSpec inImage(SandboxSpec spec, ImageSource image) {
    return spec.withContainer(ContainerSpec.DEFAULT.withImage(image));
  }

  @Test
  void labelsListsPausesAndLeavesNothingBehind() throws Exception {
    SandboxSpec spec = sh("echo started; while :; do sleep 1; done").build();
    Path dir = temp.resolve("runtime/docker").resolve(spec.id().value());
    try (SandboxProcess p = backend().start(spec, EventSink.NONE)) {
      assertThat(new String(p.stdout().readNBytes(8), StandardCharsets.UTF_8))
          .isEqualTo("started\n");
      assertThat(DockerBackends.containersOf(docker, spec.id().value())).hasSize(1);
      assertThat(dir).isDirectory();
      assertThat(stateOf(spec)).isEqualTo("running");
      p.pause();
      assertThat(stateOf(spec)).isEqualTo("paused");
      p.resume();
      assertThat(stateOf(spec)).isEqualTo("running");
    }
    assertThat(DockerBackends.containersOf(docker, spec.id().value())).isEmpty();
    assertThat(dir).doesNotExist();
    assertThat(workspace.resolve(".envrc")).doesNotExist();
    assertThat(workspace.resolve(".vscode")).doesNotExist();
  }

  private String stateOf(SandboxSpec spec) {
    return docker.list().stream()
        .filter(s -> s.id().equals(spec.id()))
        .map(SandboxSummary::state)
        .findFirst()
        .orElse("absent");
  }

  @Test
  void reapsTheContainerOfADeadOwner() {
    Map<String, String> labels =
        new HashMap<>(
            Labels.forSandbox(
                dev.corral.core.SandboxId.of("dead-mule-0001"),
                temp.resolve("runtime/docker/dead-mule-0001")));
    labels.put(Labels.OWNER_PID, "999999999");
    CreateContainerResponse orphan =
        docker
            .engine()
            .client()
            .createContainerCmd(DockerBackends.TEST_IMAGE)
            .withCmd("true")
            .withLabels(labels)
            .exec();
    try {
      assertThat(docker.reapOrphans()).contains("container of sandbox dead-mule-0001");
      assertThat(DockerBackends.containersOf(docker, "dead-mule-0001")).isEmpty();
    } finally {
      try {
        docker.engine().client().removeContainerCmd(orphan.getId()).withForce(true).exec();
      } catch (RuntimeException e) {
        // reaped, as it should be
      }
    }
  }

  @Test
  void keepsTheContainersOfALiveOwner() throws Exception {
    SandboxSpec spec = sh("sleep 30").build();
    try (SandboxProcess p = backend().start(spec, EventSink.NONE)) {
      assertThat(docker.reapOrphans()).noneMatch(s -> s.contains(spec.id().value()));
      assertThat(DockerBackends.containersOf(docker, spec.id().value())).hasSize(1);
    }
  }

  // ---- bad input -------------------------------------------------------------------------

  @Test
  void saysTheEngineIsNotRunningAndHowToStartIt() {
    DockerBackendProvider provider =
        new DockerBackendProvider("unix://" + temp.resolve("no-engine.sock"), "x");
    assertThat(provider.probe().usable()).isFalse();
    assertThat(provider.probe().failures().getFirst().detail())
        .isEqualTo(
            "the Docker engine at unix://" + temp.resolve("no-engine.sock") + " is not running");
    assertThat(provider.probe().failures().getFirst().fix())
        .contains("dockerd")
        .contains("DOCKER_HOST");
  }

  @Test
  void saysPermissionDeniedOnTheSocketAndHowToFixIt() {
    DockerEngine engine = DockerEngine.at("unix:///var/run/docker.sock");
    RuntimeException e =
        engine.translate(
            new RuntimeException(new SocketException("Permission denied")), "ask the engine");
    assertThat(e)
        .isInstanceOf(EnvironmentException.class)
        .hasMessage("permission denied on the Docker socket /var/run/docker.sock");
    assertThat(((EnvironmentException) e).hint()).get().asString().contains("usermod -aG docker");
  }

  @Test
  void refusesAMissingImageAndLeavesNothingBehind() {
    SandboxSpec spec =
        inImage(sh("true").build(), new ImageSource.Named("corral-test/no-such-image:1"));
    assertThatThrownBy(() -> docker.start(spec, EventSink.NONE))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith(
            "image 'corral-test/no-such-image:1' is not on the engine and cannot be pulled");
    assertNothingLeftOf(spec);
  }

  @Test
  void reportsAFailingBuildAndLeavesNothingBehind() throws IOException {
    Path dir = Files.createDirectories(temp.resolve("broken"));
    Path dockerfile =
        Files.writeString(
            dir.resolve("Dockerfile"),
            "FROM " + DockerBackends.TEST_IMAGE + "\nRUN echo about to fail && exit 3\n");
    SandboxSpec spec =
        inImage(
            sh("true").build(),
            new ImageSource.Dockerfile(HostPath.of(dockerfile), HostPath.of(dir)));
    assertThatThrownBy(() -> docker.start(spec, EventSink.NONE))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("building image corral/dockerfile:")
        .hasMessageContaining("failed")
        .hasMessageContaining("about to fail");
    assertNothingLeftOf(spec);
    assertThat(
            docker
                .engine()
                .client()
                .listContainersCmd()
                .withShowAll(true)
                .withAncestorFilter(List.of(DockerBackends.TEST_IMAGE))
                .exec()
                .stream()
                .filter(c -> String.valueOf(List.of(c.getCommand())).contains("about to fail"))
                .toList())
        .as("no intermediate build container")
        .isEmpty();
  }

  @Test
  void refusesDevContainerFeaturesByName() throws IOException {
    Path dev = Files.createDirectories(workspace.resolve(".devcontainer"));
    Files.writeString(
        dev.resolve("devcontainer.json"),
        """
        {
          // a comment, as devcontainer.json allows
          "image": "corral-test/debian:bookworm",
          "features": { "ghcr.io/devcontainers/features/node:1": {}, },
        }
        """);
    SandboxSpec spec =
        inImage(
            sh("true").build(),
            new ImageSource.DevContainer(HostPath.of(dev.resolve("devcontainer.json"))));
    assertThatThrownBy(() -> docker.start(spec, EventSink.NONE))
        .isInstanceOf(UsageException.class)
        .hasMessageEndingWith(
            "uses dev container features (ghcr.io/devcontainers/features/node:1), which Corral does not support");
    assertNothingLeftOf(spec);
  }

  @Test
  void runsTheImageOfADevContainer() throws IOException {
    Path dev = Files.createDirectories(workspace.resolve(".devcontainer"));
    Files.writeString(
        dev.resolve("devcontainer.json"), "{\"image\": \"" + DockerBackends.TEST_IMAGE + "\"}");
    SandboxSpec spec =
        inImage(
            sh("cat /etc/debian_version").build(),
            new ImageSource.DevContainer(HostPath.of(dev.resolve("devcontainer.json"))));
    assertThat(run(spec).stdout()).startsWith("12");
  }

  @Test
  void namesTheDaemonConfigWhenTheRuntimeIsMissing() {
    SandboxSpec spec = sh("true").build();
    SandboxSpec withRuntime =
        spec.withContainer(
            ContainerSpec.DEFAULT
                .withImage(new ImageSource.Named(DockerBackends.TEST_IMAGE))
                .withRuntime(Optional.of("no-such-runtime")));
    assertThatThrownBy(() -> docker.start(withRuntime, EventSink.NONE))
        .isInstanceOf(EnvironmentException.class)
        .hasMessageStartingWith(
            "the container runtime 'no-such-runtime' is not offered by the engine")
        .satisfies(
            e ->
                assertThat(((EnvironmentException) e).hint())
                    .get()
                    .asString()
                    .contains("/etc/docker/daemon.json"));
    assertNothingLeftOf(spec);
  }

  @Test
  void refusesASecondSandboxOfTheSameName() throws Exception {
    SandboxSpec spec = sh("sleep 30").build();
    try (SandboxProcess p = backend().start(spec, EventSink.NONE)) {
      assertThatThrownBy(() -> backend().start(spec, EventSink.NONE))
          .isInstanceOf(UsageException.class)
          .hasMessage("a sandbox named '" + spec.id() + "' already exists");
      assertThat(DockerBackends.containersOf(docker, spec.id().value())).hasSize(1);
    }
  }

  private void assertNothingLeftOf(SandboxSpec spec) {
    assertThat(DockerBackends.containersOf(docker, spec.id().value())).isEmpty();
    assertThat(temp.resolve("runtime/docker").resolve(spec.id().value())).doesNotExist();
  }
}
