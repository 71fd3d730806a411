package dev.corral.dockerbackend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.ContainerSpec;
import dev.corral.core.CorralDirs;
import dev.corral.core.EventSink;
import dev.corral.core.HostPath;
import dev.corral.core.ImageSource;
import dev.corral.core.SandboxOutcome;
import dev.corral.core.SandboxSpec;
import dev.corral.tck.Capability;
import dev.corral.tck.SandboxFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The docker backend against Podman's Docker-compatible API: {@code podman system service} on a
 * socket of this test's own, with the runc runtime (crun fails on this host's hybrid cgroups).
 */
@Timeout(180)
class PodmanTest extends SandboxFixture {
  private static final Path PODMAN = Path.of("/usr/bin/podman");
  private Process service;
  private DockerBackend podman;

  @Override
  protected void requireBackend() {
    Capability.require(Files.isExecutable(PODMAN), "podman (apt-get install podman runc)");
  }

  @Override
  protected dev.corral.core.Backend backend() {
    return DockerBackends.inTestImage(podman, Optional.empty());
  }

  @BeforeEach
  void startService() throws Exception {
    DockerBackends.handFixtureToSandboxUser(temp);
    Path socket = temp.resolve("podman.sock");
    service =
        new ProcessBuilder(
                PODMAN.toString(),
                "--runtime",
                "runc",
                "system",
                "service",
                "--time=0",
                "unix://" + socket)
            .redirectErrorStream(true)
            .redirectOutput(temp.resolve("podman.log").toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Files.exists(socket) && System.nanoTime() < deadline && service.isAlive()) {
      Thread.sleep(50);
    }
    Capability.require(Files.exists(socket), "podman system service (" + log() + ")");
    DockerBackendProvider provider =
        new DockerBackendProvider("unix://" + socket, DockerBackends.TEST_IMAGE);
    Capability.require(provider.probe().usable(), "the Podman API (" + provider.probe() + ")");
    assertThat(provider.probe().checks().getFirst().detail()).startsWith("Podman ");
    podman =
        (DockerBackend)
            provider.create(
                new CorralDirs(
                    HostPath.of(temp.resolve("config")),
                    HostPath.of(temp.resolve("data")),
                    HostPath.of(temp.resolve("state")),
                    HostPath.of(temp.resolve("runtime"))));
  }

  private String log() {
    try {
      return Files.readString(temp.resolve("podman.log")).strip();
    } catch (IOException e) {
      return e.toString();
    }
  }

  @AfterEach
  void stopService() throws InterruptedException {
    if (service != null) {
      service.destroy();
      service.waitFor();
    }
  }

  @Test
  void createsExecsAndRemovesAHardenedContainer() throws Exception {
    SandboxSpec spec =
        sh("echo ready; id -u; grep '^CapEff:' /proc/self/status; read line; echo got $line")
            .build()
            .withContainer(
                ContainerSpec.DEFAULT.withImage(new ImageSource.Named(DockerBackends.TEST_IMAGE)));
    try (DockerSandboxProcess p = (DockerSandboxProcess) podman.start(spec, EventSink.NONE)) {
      var out = drain(p.stdout());
      DockerSandboxProcess.ExecResult exec =
          p.exec(
              List.of("/bin/sh", "-c", "echo exec in $(pwd) as $(id -u)"), Duration.ofSeconds(30));
      assertThat(exec.exitCode()).as(exec.toString()).isZero();
      assertThat(exec.stdout()).isEqualTo("exec in " + workspace.toRealPath() + " as 1000\n");
      assertThat(DockerBackends.containersOf(podman, spec.id().value())).hasSize(1);
      p.stdin().write("hello\n".getBytes(StandardCharsets.UTF_8));
      p.stdin().close();
      assertThat(p.waitFor(Duration.ofSeconds(30))).contains(new SandboxOutcome.Exited(0));
      assertThat(out.join()).isEqualTo("ready\n1000\nCapEff:\t0000000000000000\ngot hello\n");
    }
    assertThat(DockerBackends.containersOf(podman, spec.id().value())).isEmpty();
  }
}
