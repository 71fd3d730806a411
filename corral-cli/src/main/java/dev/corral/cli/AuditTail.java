package dev.corral.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads the complete lines appended to the audit log's current file since the last {@link #poll},
 * following rotation: when the file was renamed to {@code egress.1.jsonl} and a new one started,
 * the rest of the old file is read first (found by its file key), then the new file from its start.
 * A partly written last line waits for its newline. Not thread-safe.
 */
final class AuditTail {
  private final Path current;
  private @Nullable Object key;
  private long offset;

  AuditTail(Path current) {
    this.current = current;
  }

  /** Every line of {@code file} that ends with a newline. */
  static List<String> completeLines(Path file) throws IOException {
    return new AuditTail(file).poll();
  }

  List<String> poll() throws IOException {
    List<String> lines = new ArrayList<>();
    Object now = key(current);
    if (key != null && !Objects.equals(now, key)) {
      Path rotated = current.resolveSibling("egress.1.jsonl");
      if (Objects.equals(key(rotated), key)) {
        read(rotated, lines);
      }
      offset = 0;
    }
    key = now;
    if (now != null) {
      if (Files.size(current) < offset) {
        offset = 0; // truncated
      }
      read(current, lines);
    }
    return lines;
  }

  private void read(Path file, List<String> lines) throws IOException {
    byte[] bytes;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size <= offset) {
        return;
      }
      ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(size - offset));
      while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
        // read until full
      }
      bytes = buffer.array();
    } catch (NoSuchFileException e) {
      return;
    }
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        String line = new String(bytes, start, i - start, StandardCharsets.UTF_8);
        if (!line.isBlank()) {
          lines.add(line);
        }
        start = i + 1;
      }
    }
    offset += start;
  }

  private static @Nullable Object key(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }
}
