package dev.corral.app;

import dev.corral.core.EnvironmentException;
import dev.corral.core.HostPath;
import dev.corral.core.ProjectTrust;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * {@link ProjectTrust} in a directory ({@code <data>/trust}): per project file, named by the
 * SHA-256 of its absolute path, {@code <key>.sha256} holds the SHA-256 of the trusted content and
 * the path, and {@code <key>.toml} a copy of that content, to show what changed since. The hash
 * decides; the copy only serves the diff. Files are replaced atomically. Thread-safe.
 */
final class TrustStore implements ProjectTrust {
  private final Path dir;

  TrustStore(Path dir) {
    this.dir = dir;
  }

  @Override
  public Status status(HostPath workspace) {
    Path file = projectFile(workspace);
    Optional<String> current = read(file);
    Optional<String> copy = read(dir.resolve(key(file) + ".toml"));
    Optional<String> hash = read(hashFile(file)).map(s -> s.split("\\s+", 2)[0]);
    // The copy is trusted only when it still has the recorded hash.
    Optional<String> trusted = copy.filter(c -> hash.equals(Optional.of(sha256(c))));
    return new Status(HostPath.of(file), current, trusted);
  }

  /** Whether {@code content} is the trusted content of {@code workspace}'s project file. */
  boolean trusts(HostPath workspace, String content) {
    Optional<String> hash = read(hashFile(projectFile(workspace))).map(s -> s.split("\\s+", 2)[0]);
    return hash.equals(Optional.of(sha256(content)));
  }

  @Override
  public void trust(HostPath workspace, String content) {
    Path file = projectFile(workspace);
    String key = key(file);
    try {
      Files.createDirectories(dir);
      AtomicFiles.write(dir.resolve(key + ".toml"), content);
      AtomicFiles.write(hashFile(file), sha256(content) + "  " + file + "\n");
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot record trust in " + dir + ": " + e.getMessage(), "check its permissions", e);
    }
  }

  /** The file whose change makes a trusted project file untrusted or trusted again. */
  Path hashFile(Path projectFile) {
    return dir.resolve(key(projectFile) + ".sha256");
  }

  static Path projectFile(HostPath workspace) {
    return workspace.path().toAbsolutePath().normalize().resolve(TomlConfigSource.PROJECT_FILE);
  }

  private static String key(Path projectFile) {
    return sha256(projectFile.toString());
  }

  static String sha256(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot read " + file + ": " + e.getMessage(), "check its permissions", e);
    }
  }
}
