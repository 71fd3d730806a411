package dev.corral.cli;

/** The output formats of commands with {@code --output}. */
enum Format {
  text,
  json;

  /**
   * {@code text} with control characters (escape sequences, carriage returns, newlines) shown as
   * {@code \xNN}: what an agent or a sandbox wrote must not drive the user's terminal.
   */
  static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints()
        .forEach(
            c -> {
              if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                out.append(String.format("\\x%02x", c));
              } else {
                out.appendCodePoint(c);
              }
            });
    return out.toString();
  }
}
