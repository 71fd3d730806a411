package dev.corral.workspace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** The first bytes of one file version, read through a cap, and whether the content went on. */
final class Blob {
  private final byte[] bytes;
  private final boolean truncated;

  private Blob(byte[] bytes, boolean truncated) {
    this.bytes = bytes;
    this.truncated = truncated;
  }

  /** At most the cap's worth of the content; do not modify. */
  byte[] bytes() {
    return bytes;
  }

  /** Whether the content went on past the cap. */
  boolean truncated() {
    return truncated;
  }

  /** Reads at most {@code cap} bytes of {@code source}, never more into memory. */
  static Blob read(ContentSource source, long cap) throws IOException {
    int limit = (int) Math.min(cap, Integer.MAX_VALUE - 16);
    try (InputStream in = source.open()) {
      byte[] bytes = in.readNBytes(limit);
      boolean truncated = bytes.length == limit && in.read() != -1;
      return new Blob(bytes, truncated);
    }
  }

  /** The content decoded as UTF-8, malformed bytes replaced. */
  String text() {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalStateException("a replacing decoder cannot fail", e);
    }
  }

  /** Whether the content looks binary: a NUL byte in the first 8000 bytes, as git decides. */
  boolean binary() {
    int n = Math.min(bytes.length, 8000);
    for (int i = 0; i < n; i++) {
      if (bytes[i] == 0) {
        return true;
      }
    }
    return false;
  }
}
