package dev.corral.workspace;

/**
 * Finds invisible and bidirectional control characters (Trojan Source, CVE-2021-42574): text that a
 * reviewer reads differently from the compiler, or that hides instructions from a human.
 */
final class UnicodeCheck {
  private UnicodeCheck() {}

  /** Checks one line; {@code line} is 1-based. */
  static void inspect(String path, int line, String text, Findings out) {
    int bidi = -1;
    int invisible = -1;
    int tag = -1;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (bidi < 0 && isBidiControl(cp)) {
        bidi = cp;
      } else if (invisible < 0 && isInvisible(cp) && !(line == 1 && i == 0 && cp == 0xfeff)) {
        invisible = cp;
      } else if (tag < 0 && (cp >= 0xe0000 && cp <= 0xe007f)) {
        tag = cp;
      }
      i += Character.charCount(cp);
    }
    if (bidi >= 0) {
      out.add(
          Severity.BLOCK,
          "unicode",
          path,
          line,
          "bidirectional control character "
              + name(bidi)
              + ": the code may run differently from how it reads",
          "remove it, or spell it as an escape (\\u" + hex(bidi) + ") where it is really needed");
    }
    if (invisible >= 0) {
      out.add(
          Severity.WARN,
          "unicode",
          path,
          line,
          "invisible character "
              + name(invisible)
              + ": identifiers or strings may differ from how they look",
          "remove it, or spell it as an escape (\\u" + hex(invisible) + ")");
    }
    if (tag >= 0) {
      out.add(
          Severity.WARN,
          "unicode",
          path,
          line,
          "invisible Unicode tag characters: they can hide text (e.g. instructions to AI tools)",
          "remove them; decode them to see the hidden text");
    }
  }

  /** U+202A–U+202E (embeddings, overrides, pop) and U+2066–U+2069 (isolates). */
  static boolean isBidiControl(int cp) {
    return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
  }

  /** Zero-width and other invisible formatting characters, including bidi marks. */
  static boolean isInvisible(int cp) {
    return (cp >= 0x200b && cp <= 0x200f)
        || (cp >= 0x2060 && cp <= 0x2064)
        || cp == 0xfeff
        || cp == 0x180e
        || cp == 0x061c
        || cp == 0x00ad
        || cp == 0x3164
        || cp == 0x115f
        || cp == 0x1160;
  }

  private static String hex(int cp) {
    return String.format("%04X", cp);
  }

  private static String name(int cp) {
    String name = Character.getName(cp);
    return "U+" + hex(cp) + (name == null ? "" : " (" + name + ")");
  }
}
