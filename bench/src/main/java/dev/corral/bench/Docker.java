package dev.corral.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Whether the Docker row can run: a working engine and the image present locally. */
final class Docker {
  private Docker() {}

  /** Why Docker cannot be measured here, or empty when it can. */
  static Optional<String> unavailable(String image) throws IOException {
    try {
      if (!succeeds(List.of("docker", "info"))) {
        return Optional.of("`docker info` fails (no Docker engine running)");
      }
      if (!succeeds(List.of("docker", "image", "inspect", image))) {
        return Optional.of("image " + image + " not present (set BENCH_DOCKER_IMAGE)");
      }
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("docker not installed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while probing Docker", e);
    }
  }

  /** Why the engine cannot run containers with {@code runtime}, or empty when it can. */
  static Optional<String> withoutRuntime(String runtime) {
    try {
      Process p =
          new ProcessBuilder("docker", "info", "--format", "{{json .Runtimes}}")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String runtimes = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(20, TimeUnit.SECONDS);
      return runtimes.contains("\"" + runtime + "\"")
          ? Optional.empty()
          : Optional.of("the engine offers no runtime " + runtime + " (run .ci/setup-docker)");
    } catch (IOException e) {
      return Optional.of("docker not installed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }

  private static boolean succeeds(List<String> command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return false;
    }
    return p.exitValue() == 0;
  }
}
