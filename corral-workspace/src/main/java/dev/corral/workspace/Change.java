package dev.corral.workspace;

import org.jspecify.annotations.Nullable;

/**
 * One changed path between where a sandbox started and where it is now.
 *
 * @param path the path relative to the repository root, {@code /}-separated (the new path of a
 *     rename, the old path of a deletion)
 * @param oldPath the path before a rename, else {@code null}
 * @param kind what happened to the path
 * @param oldMode the git file mode before ({@code 0100644} regular, {@code 0100755} executable,
 *     {@code 0120000} symlink, {@code 0160000} gitlink), {@code 0} when absent
 * @param newMode the git file mode after, {@code 0} when absent
 * @param symlinkTarget the link target when the new entry is a symlink, else {@code null}
 * @param newSize the size in bytes of the new content, {@code 0} when absent
 * @param oldContent the content before (empty when absent)
 * @param newContent the content after (empty when absent)
 */
public record Change(
    String path,
    @Nullable String oldPath,
    Kind kind,
    int oldMode,
    int newMode,
    @Nullable String symlinkTarget,
    long newSize,
    ContentSource oldContent,
    ContentSource newContent) {

  /** What happened to a path. */
  public enum Kind {
    ADDED,
    MODIFIED,
    DELETED,
    RENAMED
  }
}
