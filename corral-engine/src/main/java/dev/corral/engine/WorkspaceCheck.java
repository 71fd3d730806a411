package dev.corral.engine;

import dev.corral.core.EnvironmentException;
import dev.corral.core.HostPath;
import dev.corral.core.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** Refuses workspaces that would expose too much or cannot work. */
final class WorkspaceCheck {
  private WorkspaceCheck() {}

  static void validate(HostPath workspace) {
    Path path = workspace.path();
    if (!Files.exists(path)) {
      throw new UsageException(
          "workspace does not exist: " + path, "create it or pass an existing --workspace DIR");
    }
    if (!Files.isDirectory(path)) {
      throw new UsageException(
          "workspace is not a directory: " + path, "pass a directory with --workspace DIR");
    }
    Path real;
    try {
      real = path.toRealPath();
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot resolve workspace " + path + ": " + e.getMessage(),
          "check the directory's permissions",
          e);
    }
    if (real.getParent() == null) {
      throw new UsageException(
          "refusing to use / as the workspace: the sandbox could write the whole file system",
          "cd into a project directory or pass --workspace DIR");
    }
    Path home = Path.of(System.getProperty("user.home"));
    if (real.equals(home) || (Files.exists(home) && isSameFile(real, home))) {
      throw new UsageException(
          "refusing to use your home directory "
              + home
              + " as the workspace: it holds your credentials",
          "cd into a project directory or pass --workspace DIR");
    }
    if (!Files.isReadable(real) || !Files.isExecutable(real) || !enterableWithoutPrivileges(real)) {
      throw new EnvironmentException(
          "workspace is not readable: " + path, "fix its permissions (chmod u+rx " + path + ")");
    }
  }

  /**
   * The sandbox runs with every capability dropped, so when Corral runs as root (whose own access
   * checks pass whatever the mode) the permission bits decide whether the sandbox can enter its
   * workspace: bubblewrap would otherwise fail with its own "Can't chdir" and exit code 1.
   */
  private static boolean enterableWithoutPrivileges(Path dir) {
    try {
      if (!Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))) {
        return true; // Files.isReadable already answered for an unprivileged user
      }
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
      if (Integer.valueOf(0).equals(Files.getAttribute(dir, "unix:uid"))) {
        return mode.contains(PosixFilePermission.OWNER_READ)
            && mode.contains(PosixFilePermission.OWNER_EXECUTE);
      }
      if (Integer.valueOf(0).equals(Files.getAttribute(dir, "unix:gid"))) {
        return mode.contains(PosixFilePermission.GROUP_READ)
            && mode.contains(PosixFilePermission.GROUP_EXECUTE);
      }
      return mode.contains(PosixFilePermission.OTHERS_READ)
          && mode.contains(PosixFilePermission.OTHERS_EXECUTE);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return true; // no POSIX view here: leave it to the backend
    }
  }

  private static boolean isSameFile(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }
}
