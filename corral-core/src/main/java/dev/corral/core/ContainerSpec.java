package dev.corral.core;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a container backend runs a sandbox in: an image, extra build steps layered on top of it, and
 * the OCI runtime. Backends without containers (native) ignore it. Immutable.
 *
 * @param image where the image comes from
 * @param layers Dockerfile instructions built on top of the image, in order, e.g. {@code RUN npm
 *     install -g @anthropic-ai/claude-code} (agent presets add theirs here); the result is cached
 *     under a tag derived from the image and the layers
 * @param runtime the OCI runtime by the engine's name for it ({@code runc}, {@code runsc}); empty
 *     uses the engine's default
 */
public record ContainerSpec(ImageSource image, List<String> layers, Optional<String> runtime) {
  private static final Pattern RUNTIME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  /** Corral's base image, no extra layers, the engine's default runtime. */
  public static final ContainerSpec DEFAULT =
      new ContainerSpec(new ImageSource.Stack("base"), List.of(), Optional.empty());

  public ContainerSpec {
    layers = List.copyOf(layers);
    for (String layer : layers) {
      if (layer.isBlank() || layer.contains("\n")) {
        throw new UsageException(
            "invalid image layer '" + layer + "'",
            "give one Dockerfile instruction per layer, e.g. RUN apt-get install -y jq");
      }
    }
    runtime.ifPresent(
        r -> {
          if (!RUNTIME.matcher(r).matches()) {
            throw new UsageException(
                "invalid container runtime '" + r + "'",
                "use a runtime name such as runc or runsc");
          }
        });
  }

  public ContainerSpec withImage(ImageSource value) {
    return new ContainerSpec(value, layers, runtime);
  }

  /** The same spec with {@code more} layers after the existing ones. */
  public ContainerSpec withLayers(List<String> more) {
    return new ContainerSpec(
        image, java.util.stream.Stream.concat(layers.stream(), more.stream()).toList(), runtime);
  }

  public ContainerSpec withRuntime(Optional<String> value) {
    return new ContainerSpec(image, layers, value);
  }
}
