package dev.corral.dockerbackend;

import com.github.dockerjava.api.command.BuildImageCmd;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.BuildResponseItem;
import dev.corral.core.ContainerSpec;
import dev.corral.core.EventSink;
import dev.corral.core.HostPath;
import dev.corral.core.ImageSource;
import dev.corral.core.SandboxEvent;
import dev.corral.core.SandboxException;
import dev.corral.core.SandboxId;
import dev.corral.core.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds or builds the image a sandbox runs in. Corral's own images (a base and language stacks)
 * ship as Dockerfiles and are built on first use, tagged {@code corral/NAME:HASH} where the hash
 * covers the recipe and its parent, so a changed recipe is rebuilt and an unchanged one reused.
 * Extra layers are built on top the same way. A user's Dockerfile is rebuilt on each use (the
 * engine's cache makes an unchanged build quick). Build steps are reported as {@link
 * SandboxEvent.Progress}. Thread-safe; builds of one instance run one at a time.
 */
final class Images {
  static final String REPOSITORY = "corral/";

  private final DockerEngine engine;
  private final String base;

  /**
   * @param base the image Corral's base Dockerfile builds {@code FROM} (default {@code
   *     debian:bookworm})
   */
  Images(DockerEngine engine, String base) {
    this.engine = engine;
    this.base = base;
  }

  /**
   * An image ready to run.
   *
   * @param id the engine's image id
   * @param path the image's {@code PATH}, if it sets one
   */
  record Resolved(String id, Optional<String> path) {}

  Resolved resolve(ContainerSpec spec, SandboxId sandbox, EventSink events) {
    String image =
        switch (spec.image()) {
          case ImageSource.Stack stack -> stack(stack.name(), sandbox, events);
          case ImageSource.Named named -> named(named.reference(), sandbox, events);
          case ImageSource.Dockerfile file ->
              dockerfile(file.file(), file.context(), sandbox, events);
          case ImageSource.DevContainer dev -> devContainer(dev.file(), sandbox, events);
        };
    if (!spec.layers().isEmpty()) {
      image = layered(image, spec.layers(), sandbox, events);
    }
    InspectImageResponse inspected = inspect(image).orElseThrow();
    List<String> env =
        inspected.getConfig() == null || inspected.getConfig().getEnv() == null
            ? List.of()
            : List.of(inspected.getConfig().getEnv());
    Optional<String> path =
        env.stream().filter(e -> e.startsWith("PATH=")).map(e -> e.substring(5)).findFirst();
    return new Resolved(java.util.Objects.requireNonNullElse(inspected.getId(), image), path);
  }

  /** Corral's image {@code name}, built (with its parents) unless its recipe's tag exists. */
  String stack(String name, SandboxId sandbox, EventSink events) {
    String recipe = recipe(name);
    String parent = name.equals("base") ? base : stack("base", sandbox, events);
    String parentId = inspect(parent).map(InspectImageResponse::getId).orElse(parent);
    String tag = REPOSITORY + name + ":" + hash(recipe, parentId);
    if (inspect(tag).isPresent()) {
      return tag;
    }
    Map<String, String> args =
        name.equals("base") ? Map.of("BASE", base) : Map.of("PARENT", parent);
    return buildFromText(recipe, tag, args, sandbox, events);
  }

  private String layered(String parent, List<String> layers, SandboxId sandbox, EventSink events) {
    String parentId = inspect(parent).map(InspectImageResponse::getId).orElse(parent);
    String recipe = "ARG PARENT\nFROM ${PARENT}\nUSER root\n" + String.join("\n", layers) + "\n";
    String tag = REPOSITORY + "layered:" + hash(recipe, parentId);
    if (inspect(tag).isPresent()) {
      return tag;
    }
    return buildFromText(recipe, tag, Map.of("PARENT", parentId), sandbox, events);
  }

  private String named(String reference, SandboxId sandbox, EventSink events) {
    if (inspect(reference).isPresent()) {
      return reference;
    }
    events.accept(new SandboxEvent.Progress(sandbox, "image " + reference, "pulling"));
    try {
      engine.client().pullImageCmd(reference).start().awaitCompletion();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SandboxException("interrupted while pulling " + reference);
    } catch (RuntimeException e) {
      if (e instanceof DockerException || e instanceof DockerClientException) {
        throw new UsageException(
            "image '" + reference + "' is not on the engine and cannot be pulled: " + message(e),
            "pull or build it first (`docker pull " + reference + "`), or choose another --image");
      }
      throw engine.translate(e, "pull image " + reference);
    }
    if (inspect(reference).isEmpty()) {
      throw new UsageException(
          "image '" + reference + "' is not on the engine after pulling it",
          "check the reference, or choose another --image");
    }
    return reference;
  }

  private String dockerfile(HostPath file, HostPath context, SandboxId sandbox, EventSink events) {
    if (!Files.isRegularFile(file.path())) {
      throw new UsageException(
          "Dockerfile not found: " + file, "check the --image path (a Dockerfile or directory)");
    }
    if (!file.path().startsWith(context.path())) {
      throw new UsageException(
          "Dockerfile " + file + " lies outside its build context " + context,
          "move it into the context directory");
    }
    String text = read(file.path());
    String tag = REPOSITORY + "dockerfile:" + hash(file.toString(), text);
    return build(
        engine
            .client()
            .buildImageCmd()
            .withDockerfile(file.path().toFile())
            .withBaseDirectory(context.path().toFile()),
        tag,
        Map.of(),
        sandbox,
        events);
  }

  private String devContainer(HostPath file, SandboxId sandbox, EventSink events) {
    DevContainerConfig config = DevContainerConfig.read(file);
    return switch (config.source()) {
      case ImageSource.Named named -> named(named.reference(), sandbox, events);
      case ImageSource.Dockerfile d -> dockerfile(d.file(), d.context(), sandbox, events);
      case ImageSource.Stack s -> stack(s.name(), sandbox, events);
      case ImageSource.DevContainer d ->
          throw new UsageException("devcontainer.json " + file + " refers to another one");
    };
  }

  private String buildFromText(
      String dockerfile,
      String tag,
      Map<String, String> args,
      SandboxId sandbox,
      EventSink events) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("corral-image-");
      Path file = Files.writeString(dir.resolve("Dockerfile"), dockerfile);
      return build(
          engine
              .client()
              .buildImageCmd()
              .withDockerfile(file.toFile())
              .withBaseDirectory(dir.toFile()),
          tag,
          args,
          sandbox,
          events);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (dir != null) {
        deleteQuietly(dir);
      }
    }
  }

  private synchronized String build(
      BuildImageCmd cmd,
      String tag,
      Map<String, String> args,
      SandboxId sandbox,
      EventSink events) {
    String task = "image " + tag;
    events.accept(new SandboxEvent.Progress(sandbox, task, "building"));
    Progress progress = new Progress(sandbox, task, events);
    cmd.withTags(Set.of(tag))
        .withLabels(Map.of(Labels.RECIPE, tag.substring(tag.lastIndexOf(':') + 1)))
        .withPull(false)
        .withRemove(true)
        .withForcerm(true);
    args.forEach(cmd::withBuildArg);
    try {
      cmd.exec(progress).awaitImageId();
    } catch (DockerClientException | DockerException e) {
      throw new SandboxException(
          "building " + task + " failed: " + message(e) + progress.tail(),
          "fix the Dockerfile or its base image; the full log is in the output above",
          e);
    } catch (RuntimeException e) {
      throw engine.translate(e, "build " + task);
    }
    events.accept(new SandboxEvent.Progress(sandbox, task, "built"));
    return tag;
  }

  /** Reports each build step as progress, keeping the last lines for an error message. */
  private static final class Progress extends BuildImageResultCallback {
    private final SandboxId sandbox;
    private final String task;
    private final EventSink events;
    private final Deque<String> last = new ArrayDeque<>();

    Progress(SandboxId sandbox, String task, EventSink events) {
      this.sandbox = sandbox;
      this.task = task;
      this.events = events;
    }

    @Override
    public void onNext(BuildResponseItem item) {
      String stream = item.getStream();
      if (stream != null) {
        for (String line : stream.lines().toList()) {
          if (line.isBlank()
              || line.startsWith(" ---> ")
              || line.startsWith("Removing intermediate container")) {
            continue;
          }
          synchronized (last) {
            last.addLast(line.strip());
            if (last.size() > 8) {
              last.removeFirst();
            }
          }
          if (line.startsWith("Step ")) {
            events.accept(new SandboxEvent.Progress(sandbox, task, line.strip()));
          }
        }
      }
      super.onNext(item);
    }

    String tail() {
      synchronized (last) {
        return last.isEmpty() ? "" : " (last output: " + String.join(" | ", last) + ")";
      }
    }
  }

  private Optional<InspectImageResponse> inspect(String image) {
    try {
      return Optional.of(engine.client().inspectImageCmd(image).exec());
    } catch (NotFoundException e) {
      return Optional.empty();
    } catch (RuntimeException e) {
      throw engine.translate(e, "inspect image " + image);
    }
  }

  /** The Dockerfile of Corral's image {@code name}. */
  static String recipe(String name) {
    try (InputStream in = Images.class.getResourceAsStream("images/" + name + ".Dockerfile")) {
      if (in == null) {
        throw new UsageException(
            "unknown image stack '" + name + "'",
            "choose one of: " + String.join(", ", ImageSource.Stack.NAMES));
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String hash(String... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        digest.update(part.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String message(Exception e) {
    return e instanceof DockerException de
        ? DockerEngine.engineMessage(de)
        : String.valueOf(e.getMessage()).strip();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UsageException("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a temp dir: the OS cleans it eventually
    }
  }
}
