package dev.corral.dockerbackend;

import dev.corral.core.Backend;
import dev.corral.core.CorralDirs;
import dev.corral.core.EventSink;
import dev.corral.core.HostPath;
import dev.corral.core.ImageSource;
import dev.corral.core.SandboxProcess;
import dev.corral.core.SandboxSpec;
import dev.corral.core.SandboxSummary;
import dev.corral.tck.Capability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The docker backends the contract suites run against, on the engine of this host, and the fixture
 * adjustments a container needs.
 *
 * <p>All tests share one image, {@value #TEST_IMAGE}, imported offline by {@code .ci/setup-docker}
 * (no registry is reachable in CI); Corral's own images are built from it in {@code ImagesTest}.
 */
final class DockerBackends {
  static final String TEST_IMAGE = "corral-test/debian:bookworm";
  private static final DockerBackendProvider PROVIDER =
      new DockerBackendProvider(DockerEngine.hostFromEnvironment(System.getenv()), TEST_IMAGE);

  private DockerBackends() {}

  /** Skips locally, fails in CI, unless the engine runs and has the test image. */
  static void require() {
    var availability = PROVIDER.probe();
    Capability.require(availability.usable(), "the docker backend (" + availability + ")");
    Capability.require(hasTestImage(), "the test image " + TEST_IMAGE + " (run .ci/setup-docker)");
  }

  /** As {@link #require()}, plus gVisor registered as runtime {@code runsc}. */
  static void requireGvisor() {
    require();
    Capability.require(
        PROVIDER.probe().checks().stream()
            .anyMatch(c -> c.name().equals("container runtimes") && c.detail().contains("runsc")),
        "gVisor registered as Docker runtime runsc (run .ci/setup-docker)");
  }

  private static boolean hasTestImage() {
    try (DockerEngine engine = DockerEngine.at(DockerEngine.hostFromEnvironment(System.getenv()))) {
      engine.client().inspectImageCmd(TEST_IMAGE).exec();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  static DockerBackend create(Path temp) {
    return (DockerBackend)
        PROVIDER.create(
            new CorralDirs(
                HostPath.of(temp.resolve("config")),
                HostPath.of(temp.resolve("data")),
                HostPath.of(temp.resolve("state")),
                HostPath.of(temp.resolve("runtime"))));
  }

  /**
   * The backend under test, running every sandbox in the test image with {@code runtime} (empty:
   * the engine's default). Only the image and runtime of the spec are set here; everything else is
   * the real backend's.
   */
  static Backend inTestImage(DockerBackend backend, Optional<String> runtime) {
    return new Backend() {
      @Override
      public String name() {
        return backend.name();
      }

      @Override
      public SandboxProcess start(SandboxSpec spec, EventSink events) {
        return backend.start(
            spec.withContainer(
                spec.container().withImage(new ImageSource.Named(TEST_IMAGE)).withRuntime(runtime)),
            events);
      }

      @Override
      public List<String> reapOrphans() {
        return backend.reapOrphans();
      }

      @Override
      public List<SandboxSummary> list() {
        return backend.list();
      }
    };
  }

  /**
   * When the tests run as root, the sandbox runs as the workspace's owner, never root: the fixture
   * (home, workspace) is handed to {@link ContainerPlan#FALLBACK_ID} so that the workspace is
   * writable inside. Secrets in the fixture home become readable to that uid, so their hiding is
   * tested by the masks alone.
   */
  static void handFixtureToSandboxUser(Path temp) throws IOException {
    if (Identity.hostUid() != 0) {
      return;
    }
    try (Stream<Path> all = Files.walk(temp)) {
      for (Path p : all.toList()) {
        Files.setAttribute(
            p, "unix:uid", ContainerPlan.FALLBACK_ID, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(
            p, "unix:gid", ContainerPlan.FALLBACK_ID, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      }
    }
  }

  /** The containers labelled with {@code sandbox}, in any state. */
  static List<String> containersOf(DockerBackend backend, String sandbox) {
    return backend
        .engine()
        .client()
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(java.util.Map.of(Labels.SANDBOX, sandbox))
        .exec()
        .stream()
        .map(c -> c.getId())
        .toList();
  }
}
