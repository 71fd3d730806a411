package dev.corral.nativebackend;

import dev.corral.core.HostPath;
import dev.corral.core.SandboxException;
import dev.corral.core.SandboxId;
import dev.corral.core.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A sandbox's runtime directory, {@code <runtime>/native/<id>}: its label on the host. It records
 * the owning Corral process (pid and start time, so a recycled pid is not mistaken for the owner)
 * and the placeholder mount points created in the workspace, so that the reaper can clean up after
 * a Corral process that died without tearing its sandboxes down.
 */
final class RunDirectory {
  private static final String OWNER = "owner";
  private static final String PLACEHOLDERS = "placeholders";

  private final SandboxId id;
  private final Path dir;

  private RunDirectory(SandboxId id, Path dir) {
    this.id = id;
    this.dir = dir;
  }

  static Path root(HostPath runtime) {
    return runtime.path().resolve("native");
  }

  /** Creates the directory, owned by this process; refuses a name a live sandbox uses. */
  static RunDirectory create(Path root, SandboxId id) {
    Path dir = root.resolve(id.value());
    try {
      Files.createDirectories(
          root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Files.createDirectory(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Files.createDirectory(dir.resolve("empty"));
      Files.writeString(dir.resolve(OWNER), ownerOf(ProcessHandle.current()));
      return new RunDirectory(id, dir);
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

  SandboxId id() {
    return id;
  }

  /**
   * Renames this directory to belong to sandbox {@code newId} (a warm pool slot being claimed).
   * This instance must not be used afterwards.
   */
  RunDirectory renameTo(SandboxId newId) {
    Path target = dir.resolveSibling(newId.value());
    try {
      return new RunDirectory(newId, Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE));
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
      throw new UsageException(
          "a sandbox named '" + newId + "' already exists", "choose another --name or omit it");
    } catch (IOException e) {
      throw new SandboxException(
          "cannot rename " + dir + " to " + target + ": " + e.getMessage(), null, e);
    }
  }

  /** Writes the launch script a warm pool slot sources, readable only by its owner. */
  Path writeLaunchScript(String script) {
    Path file = dir.resolve("launch.sh");
    try {
      return Files.writeString(file, script + "\n");
    } catch (IOException e) {
      throw new SandboxException("cannot write " + file + ": " + e.getMessage(), null, e);
    }
  }

  Path dir() {
    return dir;
  }

  Path emptyDir() {
    return dir.resolve("empty");
  }

  Path seccompFile() {
    return dir.resolve("seccomp.bpf");
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

  /**
   * Removes the mount points bubblewrap created in the workspace for absent protected entries, as
   * long as they are still empty (an empty file or directory is all bubblewrap ever creates).
   */
  void removePlaceholders() throws IOException {
    Path list = dir.resolve(PLACEHOLDERS);
    if (!Files.exists(list)) {
      return;
    }
    // Deepest first, so a placeholder directory is empty when its turn comes.
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

  /** Deletes the directory and everything in it. */
  void delete() throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** When the directory was created (its modification time when creation time is unknown). */
  Instant created() {
    try {
      return Files.readAttributes(dir, java.nio.file.attribute.BasicFileAttributes.class)
          .creationTime()
          .toInstant();
    } catch (IOException e) {
      return Instant.EPOCH;
    }
  }

  /** The pid of the owning Corral process as recorded, or {@code ?} when unreadable. */
  String ownerPid() {
    try {
      return Files.readString(dir.resolve(OWNER)).trim().split(" ", 2)[0];
    } catch (IOException e) {
      return "?";
    }
  }

  /** Whether the Corral process that created this directory still runs. */
  boolean ownerAlive() {
    try {
      String owner = Files.readString(dir.resolve(OWNER)).trim();
      long pid = Long.parseLong(owner.split(" ", 2)[0]);
      return ProcessHandle.of(pid).map(h -> ownerOf(h).equals(owner)).orElse(false) && !zombie(pid);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** A killed owner may linger as a zombie until its parent reaps it: it is dead all the same. */
  private static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // pid (comm) state ...: comm may contain spaces and parentheses, the state follows the last
      // ')'.
      String afterComm = stat.substring(stat.lastIndexOf(')') + 1).strip();
      return afterComm.startsWith("Z") || afterComm.startsWith("X");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Every sandbox directory under {@code root}. */
  static List<RunDirectory> list(Path root) {
    List<RunDirectory> found = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return found;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
      for (Path d : dirs) {
        try {
          found.add(new RunDirectory(SandboxId.of(d.getFileName().toString()), d));
        } catch (UsageException e) {
          // not one of ours
        }
      }
    } catch (IOException e) {
      return found;
    }
    return found;
  }

  private static String ownerOf(ProcessHandle handle) {
    Optional<Instant> start = handle.info().startInstant();
    return handle.pid() + " " + start.map(Instant::toEpochMilli).orElse(0L);
  }
}
