package dev.corral.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/** A one-line description of the machine a benchmark ran on. */
final class Machine {
  private Machine() {}

  static String describe() {
    return String.join(
        ", ",
        Runtime.getRuntime().availableProcessors() + " CPUs (nproc)",
        cpuModel().orElse("unknown CPU"),
        "kernel " + System.getProperty("os.name") + " " + System.getProperty("os.version"),
        "JDK " + Runtime.version(),
        ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"))
            + " UTC");
  }

  private static Optional<String> cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).strip())
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
