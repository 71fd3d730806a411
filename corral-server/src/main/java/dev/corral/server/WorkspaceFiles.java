package dev.corral.server;

import dev.corral.core.NotFoundException;
import dev.corral.core.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Upload and download of files in a sandbox's workspace, confined to it: the path must be relative
 * and stay inside after normalising, every existing directory on the way must resolve (symlinks
 * followed) inside the workspace, and the file itself is never a symlink. The agent controls the
 * workspace, so it may plant symlinks; none of them lead the server outside.
 */
final class WorkspaceFiles {
  private WorkspaceFiles() {}

  static Path resolve(Path workspace, String relative) {
    if (relative.isBlank() || relative.indexOf('\0') >= 0 || Path.of(relative).isAbsolute()) {
      throw invalid(relative);
    }
    Path root = real(workspace);
    Path target = root.resolve(relative).normalize();
    if (!target.startsWith(root) || target.equals(root)) {
      throw invalid(relative);
    }
    Path parent = target.getParent();
    while (parent != null && !Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
      parent = parent.getParent();
    }
    if (parent == null || !real(parent).startsWith(root)) {
      throw invalid(relative);
    }
    if (Files.isSymbolicLink(target)) {
      throw new UsageException(
          "'" + relative + "' is a symbolic link; Corral does not follow links out of a workspace",
          null);
    }
    return target;
  }

  static InputStream read(Path workspace, String relative) {
    Path file = resolve(workspace, relative);
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new NotFoundException("no file '" + relative + "' in the workspace", null);
      }
      return Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new NotFoundException("no file '" + relative + "' in the workspace", null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code content} to the file atomically (a temp file moved over it). */
  static void write(Path workspace, String relative, byte[] content) {
    Path file = resolve(workspace, relative);
    try {
      Files.createDirectories(file.getParent());
      resolve(workspace, relative); // again: the directories now exist, recheck they stay inside
      Path temp = Files.createTempFile(file.getParent(), ".corral-upload", ".tmp");
      try {
        Files.write(temp, content);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path real(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      throw new NotFoundException("workspace path " + path + " does not exist", null);
    }
  }

  private static UsageException invalid(String relative) {
    return new UsageException(
        "invalid workspace path '" + relative + "'",
        "give a path relative to the workspace that stays inside it");
  }
}
