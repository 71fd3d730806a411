package dev.corral.workspace;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.corral.core.CorralDirs;
import dev.corral.core.EnvironmentException;
import dev.corral.core.SandboxException;
import dev.corral.core.SandboxId;
import dev.corral.core.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The directory of every clone workspace: {@code $XDG_DATA_HOME/corral/workspaces/<name>/} holds
 * {@code workspace.json} (the {@link Metadata}), {@code clone/} (the only part a sandbox sees),
 * {@code vault.git/} (the host-owned copy of the branch Corral reads) and {@code out/} (where the
 * sandboxed save step leaves the branch as a bundle).
 */
final class WorkspaceStore {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path root;

  WorkspaceStore(CorralDirs dirs) {
    this.root = dirs.data().path().resolve("workspaces");
  }

  Path root() {
    return root;
  }

  Path dir(String name) {
    return root.resolve(SandboxId.of(name).value());
  }

  Path clone(String name) {
    return dir(name).resolve("clone");
  }

  Path vault(String name) {
    return dir(name).resolve("vault.git");
  }

  Path out(String name) {
    return dir(name).resolve("out");
  }

  Optional<Metadata> find(String name) {
    Path file = dir(name).resolve("workspace.json");
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), Metadata.class));
    } catch (IOException e) {
      throw new SandboxException(
          "cannot read workspace metadata " + file + ": " + e.getMessage(),
          "remove the workspace directory " + dir(name) + " if it is damaged",
          e);
    }
  }

  /** The metadata of {@code name}, or a usage error naming the existing workspaces. */
  Metadata get(String name) {
    return find(name)
        .orElseThrow(
            () ->
                new UsageException(
                    "no clone workspace named '" + name + "'",
                    "list them with `corral ls`; only `--workspace-mode clone` runs have one"));
  }

  List<Metadata> list() {
    List<Metadata> all = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return all;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
      for (Path d : dirs) {
        String name = d.getFileName().toString();
        if (!name.endsWith(".partial") && Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
          find(name).ifPresent(all::add);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    all.sort(java.util.Comparator.comparing(Metadata::created));
    return all;
  }

  /** Writes the metadata atomically (a reader sees the old or the new file, never half of one). */
  void write(Metadata meta) {
    write(dir(meta.name()), meta);
  }

  static void write(Path dir, Metadata meta) {
    Path file = dir.resolve("workspace.json");
    Path tmp = dir.resolve("workspace.json.tmp");
    try {
      JSON.writeValue(tmp.toFile(), meta);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot write workspace metadata " + file + ": " + e.getMessage(),
          "check free space and permissions of " + dir,
          e);
    }
  }

  /**
   * Deletes {@code dir} and everything below without following symbolic links; directories a
   * sandbox made unreadable or unwritable are opened up first.
   */
  static void delete(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      deleteTree(dir);
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot remove " + dir + ": " + e.getMessage(), "remove it by hand (rm -rf " + dir + ")");
    }
  }

  private static void deleteTree(Path p) throws IOException {
    BasicFileAttributes a =
        Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (a.isDirectory()) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
      try (DirectoryStream<Path> children = Files.newDirectoryStream(p)) {
        for (Path child : children) {
          deleteTree(child);
        }
      }
    }
    Files.delete(p);
  }
}
