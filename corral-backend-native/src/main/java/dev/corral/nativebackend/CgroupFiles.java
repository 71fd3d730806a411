package dev.corral.nativebackend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Reads and writes cgroup interface files. Cgroup files are small, line-oriented and written with a
 * single {@code write(2)}, which is what the kernel expects.
 *
 * <p>Stateless and thread-safe. Missing files read as empty, because a group can vanish while it is
 * being inspected.
 */
final class CgroupFiles {
  private CgroupFiles() {}

  static void write(Path file, String value) throws IOException {
    Files.write(file, value.getBytes(StandardCharsets.US_ASCII));
  }

  static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      // A group that is being removed reports ENODEV; for the caller it has no content.
      return List.of();
    }
  }

  static String text(Path file) {
    return String.join(" ", lines(file)).trim();
  }

  /** The value of {@code key} in a flat-keyed file such as {@code memory.events}. */
  static OptionalLong keyed(Path file, String key) {
    for (String line : lines(file)) {
      String[] parts = line.trim().split("\\s+", -1);
      if (parts.length == 2 && parts[0].equals(key)) {
        try {
          return OptionalLong.of(Long.parseLong(parts[1]));
        } catch (NumberFormatException e) {
          return OptionalLong.empty();
        }
      }
    }
    return OptionalLong.empty();
  }

  /** The pids listed in a {@code cgroup.procs} file. */
  static List<Long> pids(Path procsFile) {
    List<Long> pids = new ArrayList<>();
    for (String line : lines(procsFile)) {
      String s = line.trim();
      if (!s.isEmpty()) {
        try {
          pids.add(Long.parseLong(s));
        } catch (NumberFormatException e) {
          // not a pid; cgroup.procs only ever lists numbers
        }
      }
    }
    return pids;
  }
}
