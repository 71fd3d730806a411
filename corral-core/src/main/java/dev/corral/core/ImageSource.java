package dev.corral.core;

import java.util.regex.Pattern;

/** Where a container backend gets a sandbox's image from. */
public sealed interface ImageSource {

  /**
   * One of the images Corral ships as Dockerfiles and builds on demand: {@code base} (Debian
   * bookworm, a non-root user, git, curl, the egress forwarder) or a language stack on top of it
   * ({@code node}, {@code python}, {@code go}, {@code java}).
   */
  record Stack(String name) implements ImageSource {
    public static final java.util.List<String> NAMES =
        java.util.List.of("base", "node", "python", "go", "java");

    public Stack {
      if (!NAMES.contains(name)) {
        throw new UsageException(
            "unknown image stack '" + name + "'", "choose one of: " + String.join(", ", NAMES));
      }
    }
  }

  /** An image the engine already has (or can pull), by reference, e.g. {@code python:3.12}. */
  record Named(String reference) implements ImageSource {
    private static final Pattern REFERENCE = Pattern.compile("[a-z0-9][a-zA-Z0-9._/:@+-]{0,254}");

    public Named {
      if (!REFERENCE.matcher(reference).matches()) {
        throw new UsageException(
            "invalid image reference '" + reference + "'",
            "use a reference such as debian:bookworm or ghcr.io/owner/image:tag");
      }
    }
  }

  /** An image built from a Dockerfile with {@code context} as build context. */
  record Dockerfile(HostPath file, HostPath context) implements ImageSource {}

  /**
   * The image of a dev container definition ({@code .devcontainer/devcontainer.json}): its {@code
   * image}, or its {@code build.dockerfile}.
   */
  record DevContainer(HostPath file) implements ImageSource {}

  /**
   * Parses the {@code --image} flag: a stack name, {@code devcontainer} (the workspace's {@code
   * .devcontainer/devcontainer.json}), a path to a Dockerfile ({@code ./Dockerfile}, anything
   * ending in {@code Dockerfile}) or to a {@code devcontainer.json}, else an image reference.
   */
  static ImageSource parse(String text, HostPath workspace) {
    if (Stack.NAMES.contains(text)) {
      return new Stack(text);
    }
    if (text.equals("devcontainer")) {
      return new DevContainer(workspace.resolve(".devcontainer/devcontainer.json"));
    }
    boolean path = text.startsWith("/") || text.startsWith("./") || text.startsWith("../");
    if (text.endsWith("devcontainer.json")) {
      return new DevContainer(resolve(text, workspace));
    }
    if (text.endsWith("Dockerfile") || (path && text.contains("Dockerfile"))) {
      HostPath file = resolve(text, workspace);
      java.nio.file.Path parent = file.path().getParent();
      return new Dockerfile(file, parent == null ? file : new HostPath(parent));
    }
    return new Named(text);
  }

  private static HostPath resolve(String text, HostPath workspace) {
    return text.startsWith("/") || text.startsWith("~")
        ? HostPath.expand(text)
        : new HostPath(workspace.path().resolve(text));
  }
}
