package dev.corral.workspace;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Path spelling rules: components, and the aliases under which Windows and macOS see {@code .git}.
 */
final class GitPaths {
  static final int REGULAR = 0100644;
  static final int EXECUTABLE = 0100755;
  static final int SYMLINK = 0120000;
  static final int GITLINK = 0160000;

  private GitPaths() {}

  /** The components of a repository path; {@code \} separates too, as it does on Windows. */
  static List<String> components(String path) {
    List<String> parts = new ArrayList<>();
    for (String part : path.split("[/\\\\]", -1)) {
      if (!part.isEmpty()) {
        parts.add(part);
      }
    }
    return parts;
  }

  /**
   * Whether a path component names the {@code .git} directory on some file system: any case, with
   * the trailing dots and spaces NTFS drops, an NTFS stream suffix ({@code
   * .git::$INDEX_ALLOCATION}), the 8.3 short name {@code git~1}, or code points HFS+ ignores
   * ({@code .g\u200cit}).
   */
  static boolean isDotGit(String component) {
    String name = fold(component);
    return name.equals(".git") || name.equals("git~1");
  }

  /** Whether a component names {@code .gitmodules} on some file system (incl. {@code gitmod~1}). */
  static boolean isDotGitmodules(String component) {
    String name = fold(component);
    return name.equals(".gitmodules") || name.startsWith("gitmod~");
  }

  /** The name as a case-insensitive, alias-stripping file system would compare it. */
  static String fold(String component) {
    StringBuilder out = new StringBuilder(component.length());
    component.codePoints().filter(cp -> !hfsIgnorable(cp)).forEach(out::appendCodePoint);
    String name = out.toString().toLowerCase(Locale.ROOT);
    int colon = name.indexOf(':');
    if (colon >= 0) {
      name = name.substring(0, colon);
    }
    int end = name.length();
    while (end > 0 && (name.charAt(end - 1) == '.' || name.charAt(end - 1) == ' ')) {
      end--;
    }
    return name.substring(0, end);
  }

  /** The code points HFS+ drops when it compares names (git's {@code is_hfs_dotgit} list). */
  private static boolean hfsIgnorable(int cp) {
    return (cp >= 0x200c && cp <= 0x200f)
        || (cp >= 0x202a && cp <= 0x202e)
        || (cp >= 0x206a && cp <= 0x206f)
        || cp == 0xfeff;
  }

  /** The last component, folded. */
  static String baseName(String path) {
    List<String> parts = components(path);
    return parts.isEmpty() ? "" : fold(parts.getLast());
  }
}
