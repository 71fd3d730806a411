package dev.corral.server;

/** Cuts byte chunks on UTF-8 character boundaries, so no chunk ends mid-character. */
final class Utf8 {
  private Utf8() {}

  /** The length of the longest prefix of {@code bytes} that does not end inside a character. */
  static int completePrefix(byte[] bytes) {
    int n = bytes.length;
    for (int back = 1; back <= Math.min(3, n); back++) {
      int b = bytes[n - back] & 0xff;
      if ((b & 0xc0) == 0x80) {
        continue; // continuation byte: keep looking for the lead byte
      }
      int length = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      return length > back ? n - back : n;
    }
    return n;
  }
}
