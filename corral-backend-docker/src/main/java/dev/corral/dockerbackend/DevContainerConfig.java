package dev.corral.dockerbackend;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.corral.core.HostPath;
import dev.corral.core.ImageSource;
import dev.corral.core.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of a dev container definition ({@code devcontainer.json}, JSON with comments) that
 * Corral supports: {@code image}, or {@code build.dockerfile} with {@code build.context}. Anything
 * that would need the dev container CLI ({@code features}, Docker Compose) is refused with a clear
 * message rather than silently ignored.
 */
record DevContainerConfig(ImageSource source) {
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
          .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
          .enable(JsonParser.Feature.ALLOW_COMMENTS)
          .build();

  static DevContainerConfig read(HostPath file) {
    if (!Files.isRegularFile(file.path())) {
      throw new UsageException(
          "dev container definition not found: " + file,
          "create .devcontainer/devcontainer.json or choose another --image");
    }
    JsonNode root;
    try {
      root = JSON.readTree(Files.readString(file.path()));
    } catch (IOException e) {
      throw new UsageException(
          "cannot parse "
              + file
              + ": "
              + String.valueOf(e.getMessage()).lines().findFirst().orElse(""),
          "fix the JSON");
    }
    if (root == null || !root.isObject()) {
      throw new UsageException(file + " is not a JSON object", "fix the JSON");
    }
    List<String> unsupported = new ArrayList<>();
    JsonNode features = root.path("features");
    if (features.isObject() && !features.isEmpty()) {
      List<String> names = new ArrayList<>();
      features.fieldNames().forEachRemaining(names::add);
      throw new UsageException(
          file
              + " uses dev container features ("
              + String.join(", ", names)
              + "), which Corral"
              + " does not support",
          "install those tools in the Dockerfile (build.dockerfile) instead, or remove them");
    }
    if (root.has("dockerComposeFile")) {
      unsupported.add("dockerComposeFile");
    }
    if (!unsupported.isEmpty()) {
      throw new UsageException(
          file + " uses " + String.join(", ", unsupported) + ", which Corral does not support",
          "use \"image\" or \"build.dockerfile\" instead");
    }
    Path dir = file.path().getParent();
    if (root.hasNonNull("image")) {
      return new DevContainerConfig(new ImageSource.Named(root.get("image").asText()));
    }
    JsonNode build = root.path("build");
    String dockerfile = build.path("dockerfile").asText(root.path("dockerFile").asText(""));
    if (!dockerfile.isEmpty() && dir != null) {
      Path context = dir.resolve(build.path("context").asText(".")).normalize();
      return new DevContainerConfig(
          new ImageSource.Dockerfile(
              new HostPath(dir.resolve(dockerfile).normalize()), new HostPath(context)));
    }
    throw new UsageException(
        file + " names neither \"image\" nor \"build.dockerfile\"",
        "add one of them, or choose another --image");
  }
}
