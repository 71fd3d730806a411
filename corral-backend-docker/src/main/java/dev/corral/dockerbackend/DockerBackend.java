package dev.corral.dockerbackend;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.corral.core.Backend;
import dev.corral.core.CommandException;
import dev.corral.core.EnvironmentException;
import dev.corral.core.EventSink;
import dev.corral.core.NetworkMode;
import dev.corral.core.SandboxEvent;
import dev.corral.core.SandboxException;
import dev.corral.core.SandboxId;
import dev.corral.core.SandboxProcess;
import dev.corral.core.SandboxSpec;
import dev.corral.core.SandboxSummary;
import dev.corral.core.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The docker backend: each sandbox is one hardened container (see {@link ContainerPlan}) on a
 * Docker engine or Podman's Docker-compatible service, attached before it starts so that no output
 * is lost. Containers outlive a crashed Corral process, so every container carries {@link Labels}
 * and {@link #reapOrphans()} removes those whose owner is gone. Thread-safe.
 */
final class DockerBackend implements Backend {
  static final String CONTAINER_PREFIX = "corral-";
  private static final String DEFAULT_PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final DockerEngine engine;
  private final Path root;
  private final Images images;
  private final Seccomp seccomp;
  private volatile DockerEngine.@Nullable EngineInfo info;

  DockerBackend(DockerEngine engine, Path runtime, Images images) {
    this.engine = engine;
    this.root = HostDirectory.root(runtime);
    this.images = images;
    this.seccomp = new Seccomp();
  }

  @Override
  public String name() {
    return DockerBackendProvider.NAME;
  }

  DockerEngine engine() {
    return engine;
  }

  @Override
  public SandboxProcess start(SandboxSpec spec, EventSink events) {
    long begin = System.nanoTime();
    Optional<String> runtime = spec.container().runtime();
    runtime.ifPresent(this::requireRuntime);
    Images.Resolved image = images.resolve(spec.container(), spec.id(), events);
    HostDirectory directory = HostDirectory.create(root, spec.id());
    String container = null;
    ContainerStreams streams = null;
    try {
      Identity who = Identity.of(spec.workspace().path());
      ContainerPlan.Layout layout =
          new ContainerPlan.Layout(
              who.home(),
              who.uid(),
              who.gid(),
              directory,
              seccompOption(runtime.orElse(""), directory),
              image.id(),
              info().product().equals("Podman"));
      container = create(spec, layout, directory);
      shareGatewaySocket(spec, who);
      requireCommand(spec, container, image.path());
      boolean podman = info().product().equals("Podman");
      if (!podman) {
        streams = attach(spec, container, false);
      }
      engine.client().startContainerCmd(container).exec();
      ContainerStreams attached = podman ? attach(spec, container, true) : streams;
      streams = attached;
      if (attached == null) {
        throw new IllegalStateException("not attached");
      }
      long pid = pidOf(container);
      DockerSandboxProcess process =
          new DockerSandboxProcess(
              engine,
              spec.id(),
              container,
              pid,
              spec.limits(),
              attached,
              directory,
              ContainerPlan.gvisor(spec));
      events.accept(
          new SandboxEvent.Started(spec.id(), pid, Duration.ofNanos(System.nanoTime() - begin)));
      return process;
    } catch (RuntimeException e) {
      RuntimeException failure = e instanceof dev.corral.core.CorralException ? e : translate(e);
      if (streams != null) {
        streams.close();
      }
      cleanUp(container, directory, failure);
      throw failure;
    }
  }

  /**
   * The profile itself for Docker; for Podman, whose compatible API takes only a path, the path of
   * a copy in the sandbox's directory (Podman's service runs on this host).
   */
  private String seccompOption(String runtime, HostDirectory directory) {
    String profile = seccomp.profile(runtime);
    if (!info().product().equals("Podman")) {
      return profile;
    }
    try {
      return Files.writeString(directory.dir().resolve("seccomp.json"), profile).toString();
    } catch (IOException e) {
      throw new SandboxException("cannot write the seccomp profile: " + e.getMessage(), null, e);
    }
  }

  private DockerEngine.EngineInfo info() {
    DockerEngine.EngineInfo known = info;
    if (known == null) {
      known = engine.info();
      info = known;
    }
    return known;
  }

  private RuntimeException translate(RuntimeException e) {
    return engine.translate(e, "start the sandbox container");
  }

  private String create(SandboxSpec spec, ContainerPlan.Layout layout, HostDirectory directory) {
    try (CreateContainerCmd cmd =
        engine.client().createContainerCmd(layout.image()).withName(containerName(spec.id()))) {
      List<Path> placeholders = ContainerPlan.apply(spec, layout, cmd);
      directory.recordPlaceholders(placeholders);
      cmd.withLabels(Labels.forSandbox(spec.id(), directory.dir()));
      return cmd.exec().getId();
    } catch (ConflictException e) {
      throw new UsageException(
          "a sandbox named '" + spec.id() + "' already exists",
          "choose another --name, or remove it with `docker rm -f "
              + containerName(spec.id())
              + "`");
    }
  }

  static String containerName(SandboxId id) {
    return CONTAINER_PREFIX + id.value();
  }

  /**
   * The gateway's socket belongs to the Corral process; when that runs as root, the sandbox's
   * unprivileged user could not connect to it, so it gets the sandbox's owner.
   */
  private static void shareGatewaySocket(SandboxSpec spec, Identity who) {
    if (spec.network() instanceof NetworkMode.Gateway gateway && Identity.hostUid() == 0) {
      try {
        Files.setAttribute(gateway.socket().path(), "unix:uid", who.uid());
        Files.setAttribute(gateway.socket().path(), "unix:gid", who.gid());
      } catch (IOException e) {
        throw new SandboxException(
            "cannot hand the gateway socket " + gateway.socket() + " to the sandbox's user",
            null,
            e);
      }
    }
  }

  private void requireRuntime(String runtime) {
    List<String> offered = info().runtimes();
    if (!offered.isEmpty() && !offered.contains(runtime)) {
      throw new EnvironmentException(
          "the container runtime '"
              + runtime
              + "' is not offered by the engine at "
              + engine.host()
              + " (it offers: "
              + String.join(", ", offered)
              + ")",
          "register it in /etc/docker/daemon.json under \"runtimes\" (for gVisor: \"runsc\": "
              + "{\"path\": \"/usr/bin/runsc\"}), restart dockerd, and run `corral doctor`");
    }
  }

  /** Fails with exit-127 semantics unless the command exists in the image. */
  private void requireCommand(SandboxSpec spec, String container, Optional<String> imagePath) {
    if (spec.command().isEmpty()) {
      return;
    }
    String command = spec.command().getFirst();
    List<String> candidates = new ArrayList<>();
    String path = spec.env().getOrDefault("PATH", imagePath.orElse(DEFAULT_PATH));
    if (command.contains("/")) {
      candidates.add(
          command.startsWith("/") ? command : spec.workspace().path().resolve(command).toString());
    } else {
      for (String dir : path.split(":", -1)) {
        if (dir.startsWith("/")) {
          candidates.add(dir + "/" + command);
        }
      }
    }
    for (String candidate : candidates) {
      if (existsIn(container, candidate)) {
        return;
      }
    }
    throw CommandException.notFound(command, path);
  }

  private boolean existsIn(String container, String path) {
    try (InputStream tar = engine.client().copyArchiveFromContainerCmd(container, path).exec()) {
      return tar.read() >= 0;
    } catch (NotFoundException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private ContainerStreams attach(SandboxSpec spec, String container, boolean gated) {
    try {
      return ContainerStreams.attach(engine.host(), container, spec.stdio(), gated);
    } catch (java.io.UncheckedIOException e) {
      throw engine.translate(e, "attach to sandbox " + spec.id());
    }
  }

  private long pidOf(String container) {
    Long pid = engine.client().inspectContainerCmd(container).exec().getState().getPidLong();
    return pid == null ? 0 : pid;
  }

  private void cleanUp(@Nullable String container, HostDirectory directory, Exception cause) {
    if (container != null) {
      try {
        engine.client().removeContainerCmd(container).withForce(true).exec();
      } catch (NotFoundException e) {
        // gone already
      } catch (RuntimeException e) {
        cause.addSuppressed(e);
      }
    }
    try {
      directory.delete();
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private List<Container> corralContainers() {
    try {
      return engine
          .client()
          .listContainersCmd()
          .withShowAll(true)
          .withLabelFilter(List.of(Labels.SANDBOX))
          .exec();
    } catch (RuntimeException e) {
      throw engine.translate(e, "list the sandbox containers");
    }
  }

  @Override
  public List<SandboxSummary> list() {
    List<SandboxSummary> found = new ArrayList<>();
    for (Container c : corralContainers()) {
      Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
      SandboxId id;
      try {
        id = SandboxId.of(labels.getOrDefault(Labels.SANDBOX, ""));
      } catch (UsageException e) {
        continue;
      }
      Map<String, String> details = new LinkedHashMap<>();
      details.put("container", c.getId().substring(0, Math.min(12, c.getId().length())));
      details.put("image", String.valueOf(c.getImage()));
      details.put("status", String.valueOf(c.getStatus()));
      details.put("owner", labels.getOrDefault(Labels.OWNER_PID, "?"));
      found.add(
          new SandboxSummary(
              id, name(), String.valueOf(c.getState()), created(labels, c), details));
    }
    return found;
  }

  private static Instant created(Map<String, String> labels, Container c) {
    try {
      return Instant.parse(labels.getOrDefault(Labels.CREATED, ""));
    } catch (DateTimeParseException e) {
      return c.getCreated() == null ? Instant.EPOCH : Instant.ofEpochSecond(c.getCreated());
    }
  }

  @Override
  public List<String> reapOrphans() {
    List<String> reaped = new ArrayList<>();
    List<Container> containers = corralContainers();
    for (Container c : containers) {
      Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
      if (!Labels.ownerGone(labels)) {
        continue;
      }
      String sandbox = labels.getOrDefault(Labels.SANDBOX, "?");
      try {
        engine
            .client()
            .removeContainerCmd(c.getId())
            .withForce(true)
            .withRemoveVolumes(true)
            .exec();
      } catch (NotFoundException e) {
        // removed meanwhile
      } catch (RuntimeException e) {
        throw engine.translate(e, "remove the orphaned container of sandbox " + sandbox);
      }
      reaped.add("container of sandbox " + sandbox);
      deleteDirectory(labels.get(Labels.RUNTIME_DIR), reaped, sandbox);
    }
    Set<String> live =
        containers.stream()
            .map(c -> c.getLabels() == null ? "" : c.getLabels().getOrDefault(Labels.SANDBOX, ""))
            .collect(Collectors.toSet());
    reapDirectoriesWithoutContainer(live, reaped);
    return reaped;
  }

  /** Directories whose container never came to be (a crash between the two) after a minute. */
  private void reapDirectoriesWithoutContainer(Set<String> live, List<String> reaped) {
    if (!Files.isDirectory(root)) {
      return;
    }
    Instant cutoff = Instant.now().minus(Duration.ofMinutes(1));
    try (var dirs = Files.list(root)) {
      for (Path dir : dirs.toList()) {
        String name = dir.getFileName().toString();
        if (!live.contains(name) && Files.getLastModifiedTime(dir).toInstant().isBefore(cutoff)) {
          deleteDirectory(dir.toString(), reaped, name);
        }
      }
    } catch (IOException e) {
      throw new SandboxException(
          "cannot list " + root + ": " + e.getMessage(), "check its permissions", e);
    }
  }

  private void deleteDirectory(@Nullable String dir, List<String> reaped, String sandbox) {
    if (dir == null || !Path.of(dir).startsWith(root) || !Files.isDirectory(Path.of(dir))) {
      return;
    }
    try {
      HostDirectory.existing(Path.of(dir)).delete();
      reaped.add("runtime directory of sandbox " + sandbox);
    } catch (IOException e) {
      throw new SandboxException(
          "cannot remove orphaned sandbox directory " + dir + ": " + e.getMessage(),
          "remove it by hand",
          e);
    }
  }
}
