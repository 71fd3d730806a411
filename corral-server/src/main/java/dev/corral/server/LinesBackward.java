package dev.corral.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Predicate;

/**
 * Reads a text file's lines from its end: the last line first. For logs whose newest records are
 * wanted, it reads only as much of the file as those take. Lines are split at {@code '\n'} bytes
 * (which UTF-8 never uses inside a character); an incomplete last line (a writer is appending) is
 * skipped. Not thread-safe; one call reads one file.
 */
final class LinesBackward {
  private static final int CHUNK = 64 * 1024;

  private LinesBackward() {}

  /**
   * Gives {@code each} the file's complete lines, newest first, until it returns false or the
   * file's start is reached. A file that does not exist has no lines.
   */
  static void read(Path file, Predicate<String> each) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long end = channel.size();
      // Bytes of the line being assembled, in file order (they are prepended chunk by chunk).
      byte[] pending = new byte[0];
      boolean lastLine = true;
      long position = end;
      while (position > 0) {
        int size = (int) Math.min(CHUNK, position);
        position -= size;
        ByteBuffer buffer = ByteBuffer.allocate(size);
        while (buffer.hasRemaining()) {
          if (channel.read(buffer, position + buffer.position()) < 0) {
            break;
          }
        }
        byte[] chunk = buffer.array();
        int lineEnd = size;
        for (int i = size - 1; i >= 0; i--) {
          if (chunk[i] != '\n') {
            continue;
          }
          byte[] line = join(chunk, i + 1, lineEnd, pending);
          pending = new byte[0];
          lineEnd = i;
          if (lastLine) {
            // After the last newline: nothing, or a line a writer is still appending.
            lastLine = false;
            continue;
          }
          if (!each.test(new String(line, StandardCharsets.UTF_8))) {
            return;
          }
        }
        pending = join(chunk, 0, lineEnd, pending);
      }
      if (!lastLine) {
        var _ = each.test(new String(pending, StandardCharsets.UTF_8)); // the file's first line
      }
    } catch (NoSuchFileException e) {
      // Rotated away meanwhile: nothing to read.
    }
  }

  private static byte[] join(byte[] chunk, int from, int to, byte[] after) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from + after.length);
    out.write(chunk, from, to - from);
    out.write(after, 0, after.length);
    return out.toByteArray();
  }
}
