package dev.corral.bench;

import java.io.IOException;
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
