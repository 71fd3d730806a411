package dev.corral.dockerbackend;

import dev.corral.core.Availability;
import dev.corral.core.Backend;
import dev.corral.core.BackendProvider;
import dev.corral.core.Check;
import dev.corral.core.CorralDirs;
import dev.corral.core.CorralException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Provides the {@code docker} backend: containers on a Docker engine, or on Podman through its
 * Docker-compatible socket. Ranked below {@code native} (a container starts in hundreds of
 * milliseconds, a native sandbox in a few), so it runs when asked for ({@code --backend docker}).
 *
 * <p>The engine is {@code DOCKER_HOST} (or the system property {@value #HOST_PROPERTY}), else
 * {@code unix:///var/run/docker.sock}. Corral's base image is built {@code FROM} the image named by
 * {@code CORRAL_DOCKER_BASE_IMAGE} (or {@value #BASE_IMAGE_PROPERTY}), default {@code
 * debian:bookworm}. The probe asks the engine once per provider.
 */
public final class DockerBackendProvider implements BackendProvider {
  static final String NAME = "docker";
  public static final String HOST_PROPERTY = "corral.docker.host";
  public static final String BASE_IMAGE_PROPERTY = "corral.docker.baseImage";
  static final String DEFAULT_BASE_IMAGE = "debian:bookworm";

  private final String host;
  private final String baseImage;
  private volatile @Nullable Availability probed;

  /** The provider ServiceLoader creates: engine and base image from the environment. */
  public DockerBackendProvider() {
    this(
        System.getProperty(HOST_PROPERTY, DockerEngine.hostFromEnvironment(System.getenv())),
        System.getProperty(
            BASE_IMAGE_PROPERTY,
            System.getenv().getOrDefault("CORRAL_DOCKER_BASE_IMAGE", DEFAULT_BASE_IMAGE)));
  }

  DockerBackendProvider(String host, String baseImage) {
    this.host = host;
    this.baseImage = baseImage;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return 50;
  }

  @Override
  public Availability probe() {
    Availability result = probed;
    if (result == null) {
      result = new Availability(NAME, checks());
      probed = result;
    }
    return result;
  }

  private List<Check> checks() {
    List<Check> checks = new ArrayList<>();
    DockerEngine.EngineInfo info;
    try (DockerEngine engine = DockerEngine.at(host)) {
      info = engine.info();
    } catch (CorralException e) {
      checks.add(
          Check.fail(
              "container engine",
              String.valueOf(e.getMessage()),
              e.hint().orElse("run `docker info`")));
      return checks;
    }
    checks.add(
        Check.ok(
            "container engine",
            info.product()
                + " "
                + info.version()
                + " (API "
                + info.apiVersion()
                + ", cgroup v"
                + info.cgroupVersion()
                + ") at "
                + host));
    List<String> runtimes = new ArrayList<>();
    for (String runtime : info.runtimes()) {
      runtimes.add(runtime.equals(info.defaultRuntime()) ? runtime + " (default)" : runtime);
    }
    String offered = runtimes.isEmpty() ? info.defaultRuntime() : String.join(", ", runtimes);
    if (info.runtimes().stream().anyMatch(r -> r.contains("runsc"))) {
      checks.add(Check.ok("container runtimes", offered));
    } else {
      checks.add(
          Check.warn(
              "container runtimes",
              offered + "; gVisor (runsc) is not registered, so --runtime runsc is unavailable",
              "install runsc and register it in /etc/docker/daemon.json: \"runtimes\": {\"runsc\":"
                  + " {\"path\": \"/usr/bin/runsc\", \"runtimeArgs\": [\"--network=none\","
                  + " \"--host-uds=open\"]}}, then restart dockerd"));
    }
    checks.add(Check.ok("base image", "Corral's images build FROM " + baseImage));
    return checks;
  }

  @Override
  public Backend create(CorralDirs dirs) {
    DockerEngine engine = DockerEngine.at(host);
    return new DockerBackend(engine, dirs.runtime().path(), new Images(engine, baseImage));
  }
}
