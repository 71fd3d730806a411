package dev.corral.nativebackend;

import dev.corral.core.CommandException;
import dev.corral.core.SandboxSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks before start that the command exists inside the sandbox, so that a typo gets exit code 127
 * and a clear message instead of bubblewrap's exit code 1. The sandbox sees the host's system
 * directories and the workspace at the same paths, so the check runs on the host.
 */
final class CommandResolver {
  private CommandResolver() {}

  static void check(SandboxSpec spec) {
    List<String> command = spec.command();
    if (command.isEmpty()) {
      return;
    }
    String name = command.getFirst();
    if (name.contains("/")) {
      Path path = spec.workspace().path().resolve(name);
      if (!visible(spec, path) || !Files.exists(path)) {
        throw CommandException.notFound(name, SandboxEnvironment.path(spec));
      }
      if (Files.isDirectory(path) || !Files.isExecutable(path)) {
        throw CommandException.notExecutable(name);
      }
      return;
    }
    String searchPath = SandboxEnvironment.path(spec);
    for (String dir : searchPath.split(":", -1)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = spec.workspace().path().resolve(dir).resolve(name);
      if (visible(spec, candidate)
          && Files.isRegularFile(candidate)
          && Files.isExecutable(candidate)) {
        return;
      }
    }
    throw CommandException.notFound(name, searchPath);
  }

  private static boolean visible(SandboxSpec spec, Path path) {
    Path normal = path.normalize();
    if (normal.startsWith(spec.workspace().path())) {
      return true;
    }
    if (spec.mounts().stream().anyMatch(m -> normal.startsWith(m.target().value()))) {
      return true;
    }
    return BwrapArguments.SYSTEM_DIRS.stream().anyMatch(d -> normal.startsWith(d));
  }
}
