package dev.corral.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Replaces a file so that readers see either the old or the new content, never a mix. */
final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * Writes {@code content} to a temporary file next to {@code file}, then renames it over {@code
   * file} (atomic within one directory). An existing file's permissions are kept; a new file gets
   * {@code rw-r--r--}. Parent directories are created.
   */
  static void write(Path file, String content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
    try {
      Files.writeString(temp, content, StandardCharsets.UTF_8);
      if (Files.exists(file)) {
        Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(file));
      } else {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
