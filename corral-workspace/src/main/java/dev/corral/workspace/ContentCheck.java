package dev.corral.workspace;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads each changed file's new content through the caps of {@link ReviewSettings} and runs the
 * content checks on it: size, binaries, invisible Unicode, secrets, and the file-specific checks of
 * {@link ConfigFileCheck} and {@link DependencyCheck}. Only lines that are not in the old version
 * are scanned for Unicode and secrets, so that a change is judged by what it adds.
 */
final class ContentCheck {
  private static final List<String> CODE_ARCHIVES =
      List.of(".jar", ".war", ".ear", ".whl", ".egg", ".apk", ".aar", ".nupkg", ".vsix", ".crx");

  private final ReviewSettings settings;
  private final Findings out;
  private final DependencyCheck dependencies;
  private long bytesRead;
  private int unscanned;

  ContentCheck(ReviewSettings settings, Findings out) {
    this.settings = settings;
    this.out = out;
    this.dependencies = new DependencyCheck(settings, out);
  }

  long bytesRead() {
    return bytesRead;
  }

  void inspect(Change change) {
    if (change.kind() == Change.Kind.DELETED
        || change.newMode() == GitPaths.SYMLINK
        || change.newMode() == GitPaths.GITLINK) {
      return;
    }
    String path = change.path();
    if (change.newSize() >= settings.largeFileBytes()) {
      out.add(
          Severity.WARN,
          "size",
          path,
          0,
          "very large file (" + mib(change.newSize()) + ")",
          "large files bloat the history and hide content from review; use Git LFS or drop it");
    }
    try {
      Blob blob = read(change.newContent(), path);
      if (blob == null) {
        return;
      }
      if (blob.binary()) {
        binary(change, blob);
        return;
      }
      Set<String> oldLines = new HashSet<>();
      String oldText = "";
      if (change.kind() != Change.Kind.ADDED) {
        Blob old = read(change.oldContent(), path);
        oldText = old == null ? "" : old.text();
        oldLines.addAll(List.of(oldText.split("\n", -1)));
      }
      String text = blob.text();
      scanLines(path, text, oldLines);
      if (ConfigFileCheck.concerns(path)) {
        ConfigFileCheck.inspect(path, oldLines, text, out);
      }
      if (DependencyCheck.concerns(path) && !blob.truncated()) {
        dependencies.inspect(path, oldText, text);
      }
    } catch (IOException e) {
      out.add(
          Severity.WARN,
          "content",
          path,
          0,
          "cannot read the content: " + e.getMessage(),
          "review this file by hand");
    }
  }

  /** Reads through the per-file and total caps; {@code null} once the total cap is used up. */
  private @org.jspecify.annotations.Nullable Blob read(ContentSource source, String path)
      throws IOException {
    long remaining = settings.maxTotalBytes() - bytesRead;
    if (remaining <= 0) {
      unscanned++;
      out.note(
          "review read its limit of "
              + mib(settings.maxTotalBytes())
              + "; the content of later files was not scanned (path and mode checks still ran)");
      return null;
    }
    Blob blob = Blob.read(source, Math.min(settings.maxFileBytes(), remaining));
    bytesRead += blob.bytes().length;
    if (blob.truncated()) {
      out.note("scanned only the first " + mib(blob.bytes().length) + " of " + path);
    }
    return blob;
  }

  int unscanned() {
    return unscanned;
  }

  private void scanLines(String path, String text, Set<String> oldLines) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (oldLines.contains(line)) {
        continue;
      }
      UnicodeCheck.inspect(path, i + 1, line, out);
      for (SecretRules.Hit hit : SecretRules.BUILT_IN.scan(line)) {
        out.add(
            hit.rule().severity(),
            "secret",
            path,
            i + 1,
            hit.rule().description()
                + " ("
                + hit.rule().id()
                + "): "
                + SecretRules.redact(hit.secret()),
            "remove it and rotate the credential: anything committed must be treated as leaked");
      }
    }
  }

  private void binary(Change change, Blob blob) {
    byte[] b = blob.bytes();
    String name = change.path().toLowerCase(Locale.ROOT);
    boolean code =
        starts(b, 0x7f, 'E', 'L', 'F')
            || starts(b, 'M', 'Z')
            || starts(b, 0xfe, 0xed, 0xfa)
            || starts(b, 0xce, 0xfa, 0xed, 0xfe)
            || starts(b, 0xcf, 0xfa, 0xed, 0xfe)
            || starts(b, 0xca, 0xfe, 0xba, 0xbe)
            || starts(b, 0x00, 'a', 's', 'm')
            || (starts(b, 'P', 'K', 3, 4) && CODE_ARCHIVES.stream().anyMatch(name::endsWith));
    out.add(
        code ? Severity.WARN : Severity.INFO,
        "binary",
        change.path(),
        0,
        code
            ? "compiled code or a code archive (binary; review cannot read it)"
            : "binary file (review cannot read it)",
        code ? "build it from source instead of committing it" : "");
  }

  private static boolean starts(byte[] bytes, int... prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((bytes[i] & 0xff) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  static String mib(long bytes) {
    return bytes >= 1 << 20
        ? String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0)
        : bytes >= 1024 ? (bytes >> 10) + " KiB" : bytes + " bytes";
  }
}
