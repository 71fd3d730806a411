package dev.corral.workspace;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * A compact, size-capped text rendering of a change list for the LLM reviewer: per file a header,
 * and the lines between the common prefix and suffix of old and new ({@code -} removed, {@code +}
 * added). Not a minimal diff, but every changed line is in it.
 */
final class DiffText {
  private DiffText() {}

  /** The rendering, and whether it was cut at {@code maxBytes}. */
  record Rendered(String text, boolean truncated, int filesShown) {}

  static Rendered render(List<Change> changes, int maxBytes) {
    StringBuilder out = new StringBuilder();
    int shown = 0;
    for (Change change : changes) {
      String section = section(change, maxBytes);
      if (out.length() + section.length() > maxBytes) {
        int room = maxBytes - out.length();
        if (room > 200) {
          out.append(section, 0, room);
          shown++;
        }
        return new Rendered(out.toString(), true, shown);
      }
      out.append(section);
      shown++;
    }
    return new Rendered(out.toString(), false, shown);
  }

  private static String section(Change change, int maxBytes) {
    StringBuilder out = new StringBuilder();
    out.append("### ").append(change.kind()).append(' ').append(change.path());
    if (change.oldPath() != null) {
      out.append(" (from ").append(change.oldPath()).append(')');
    }
    out.append(" mode ")
        .append(Integer.toOctalString(change.oldMode()))
        .append(" -> ")
        .append(Integer.toOctalString(change.newMode()))
        .append('\n');
    if (change.newMode() == GitPaths.SYMLINK) {
      return out.append("symlink -> ").append(change.symlinkTarget()).append('\n').toString();
    }
    if (change.newMode() == GitPaths.GITLINK) {
      return out.toString();
    }
    try {
      Blob before = Blob.read(change.oldContent(), maxBytes);
      Blob after = Blob.read(change.newContent(), maxBytes);
      if (before.binary() || after.binary()) {
        return out.append("(binary content)\n").toString();
      }
      String[] a = before.text().split("\n", -1);
      String[] b = after.text().split("\n", -1);
      int prefix = 0;
      while (prefix < a.length && prefix < b.length && a[prefix].equals(b[prefix])) {
        prefix++;
      }
      int suffix = 0;
      while (suffix < a.length - prefix
          && suffix < b.length - prefix
          && a[a.length - 1 - suffix].equals(b[b.length - 1 - suffix])) {
        suffix++;
      }
      out.append("@@ line ").append(prefix + 1).append('\n');
      Arrays.stream(a, prefix, a.length - suffix)
          .forEach(l -> out.append('-').append(l).append('\n'));
      Arrays.stream(b, prefix, b.length - suffix)
          .forEach(l -> out.append('+').append(l).append('\n'));
    } catch (IOException e) {
      out.append("(content unreadable: ").append(e.getMessage()).append(")\n");
    }
    return out.toString();
  }
}
