package dev.corral.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The command {@code corral run} starts when none is given: an interactive login shell. */
final class LoginShell {
  private LoginShell() {}

  /**
   * {@code bash -l} when bash is on the host's PATH (the sandbox sees the host system), else sh.
   */
  static List<String> command(Map<String, String> env) {
    String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    for (String dir : path.split(File.pathSeparator, -1)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "bash"))) {
        return List.of("bash", "-l");
      }
    }
    return List.of("sh", "-l");
  }
}
