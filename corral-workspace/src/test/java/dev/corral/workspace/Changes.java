package dev.corral.workspace;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Builds in-memory {@link Change}s for tests. */
final class Changes {
  static final ContentSource NONE = () -> new ByteArrayInputStream(new byte[0]);

  private Changes() {}

  static ContentSource content(String text) {
    return bytes(text.getBytes(StandardCharsets.UTF_8));
  }

  static ContentSource bytes(byte[] bytes) {
    return () -> new ByteArrayInputStream(bytes);
  }

  static Change added(String path, String text) {
    return new Change(
        path,
        null,
        Change.Kind.ADDED,
        0,
        GitPaths.REGULAR,
        null,
        text.getBytes(StandardCharsets.UTF_8).length,
        NONE,
        content(text));
  }

  static Change addedBytes(String path, byte[] bytes) {
    return new Change(
        path, null, Change.Kind.ADDED, 0, GitPaths.REGULAR, null, bytes.length, NONE, bytes(bytes));
  }

  static Change executable(String path, String text) {
    return new Change(
        path,
        null,
        Change.Kind.ADDED,
        0,
        GitPaths.EXECUTABLE,
        null,
        text.length(),
        NONE,
        content(text));
  }

  static Change modified(String path, String before, String after) {
    return new Change(
        path,
        null,
        Change.Kind.MODIFIED,
        GitPaths.REGULAR,
        GitPaths.REGULAR,
        null,
        after.getBytes(StandardCharsets.UTF_8).length,
        content(before),
        content(after));
  }

  static Change deleted(String path, String before) {
    return new Change(
        path, null, Change.Kind.DELETED, GitPaths.REGULAR, 0, null, 0, content(before), NONE);
  }

  static Change symlink(String path, String target) {
    return new Change(
        path,
        null,
        Change.Kind.ADDED,
        0,
        GitPaths.SYMLINK,
        target,
        target.length(),
        NONE,
        content(target));
  }

  static ReviewReport review(Change... changes) {
    return Review.run(List.of(changes), ReviewSettings.DEFAULT, java.util.Map.of());
  }

  /** The findings of one check. */
  static List<Finding> findings(ReviewReport report, String check) {
    return report.findings().stream().filter(f -> f.check().equals(check)).toList();
  }
}
