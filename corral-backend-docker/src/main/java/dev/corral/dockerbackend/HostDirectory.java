package dev.corral.dockerbackend;

import dev.corral.core.SandboxException;
import dev.corral.core.SandboxId;
import dev.corral.core.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A sandbox container's directory on the host, {@code <runtime>/docker/<id>}: an empty directory
 * bound read-only over absent protected workspace entries and hidden directories, the read-only
 * directory around the gateway socket, and the list of mount points the runtime created in the
 * workspace, which teardown (or the reaper) removes again.
 */
final class HostDirectory {
  private static final String PLACEHOLDERS = "placeholders";
  static final String GATEWAY_SOCKET = "egress.sock";

  private final Path dir;

  private HostDirectory(Path dir) {
    this.dir = dir;
  }

  static Path root(Path runtime) {
    return runtime.resolve("docker");
  }

  static HostDirectory create(Path root, SandboxId id) {
    Path dir = root.resolve(id.value());
    try {
      Files.createDirectories(root);
      Files.createDirectory(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
      Files.createDirectory(dir.resolve("empty"));
      // Not /dev/null: writes to a device succeed even through a read-only bind.
      Files.createFile(
          dir.resolve("empty-file"),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r--r--r--")));
      Files.createDirectory(dir.resolve("gateway"));
      // The mount point of the gateway socket, so that the directory around it can be read-only.
      Files.createFile(dir.resolve("gateway").resolve(GATEWAY_SOCKET));
      return new HostDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      throw new UsageException(
          "a sandbox named '" + id + "' already exists", "choose another --name or omit it");
    } catch (IOException e) {
      throw new SandboxException(
          "cannot create the sandbox's runtime directory " + dir + ": " + e.getMessage(),
          "check that " + root + " is writable",
          e);
    }
  }

  static HostDirectory existing(Path dir) {
    return new HostDirectory(dir);
  }

  Path dir() {
    return dir;
  }

  Path emptyDir() {
    return dir.resolve("empty");
  }

  Path emptyFile() {
    return dir.resolve("empty-file");
  }

  Path gatewayDir() {
    return dir.resolve("gateway");
  }

  void recordPlaceholders(List<Path> placeholders) {
    try {
      Files.write(
          dir.resolve(PLACEHOLDERS),
          placeholders.stream().map(Path::toString).toList(),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SandboxException(
          "cannot write " + dir.resolve(PLACEHOLDERS) + ": " + e.getMessage(), null, e);
    }
  }

  /** Removes the mount points created in the workspace, as long as they are still empty. */
  void removePlaceholders() throws IOException {
    Path list = dir.resolve(PLACEHOLDERS);
    if (!Files.exists(list)) {
      return;
    }
    List<Path> paths =
        Files.readAllLines(list).stream()
            .map(Path::of)
            .sorted(Comparator.comparingInt(Path::getNameCount).reversed())
            .toList();
    for (Path p : paths) {
      if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) == 0) {
        Files.delete(p);
      } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && isEmpty(p)) {
        Files.delete(p);
      }
    }
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  /** Removes the placeholders, then the directory and everything in it. */
  void delete() throws IOException {
    removePlaceholders();
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
