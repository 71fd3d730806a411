package dev.corral.workspace;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One changed path between a workspace's base commit and its branch tip, as the review checks see
 * it. Contents are opened lazily and only while the {@code Snapshot} that produced the change is
 * open.
 *
 * @param path the path after the change (for {@link Kind#DELETED}: the deleted path), relative to
 *     the repository root, with {@code /} separators
 * @param oldPath the path before a rename or copy; null unless {@link Kind#RENAMED}
 * @param kind what happened to the path
 * @param oldMode the git file mode before (e.g. {@code 0100644}, {@code 0100755}, {@code 0120000}
 *     for a symlink, {@code 0160000} for a submodule), 0 if the path did not exist
 * @param newMode the git file mode after, 0 if the path no longer exists
 * @param symlinkTarget the new link target when the new entry is a symlink, else null
 * @param newSize the size in bytes of the new content, 0 when deleted or a submodule
 * @param oldContent the content before; an empty stream when absent
 * @param newContent the content after; an empty stream when absent
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

  /** Git file mode of a symbolic link. */
  public static final int SYMLINK = 0120000;

  /** Git file mode of a submodule (gitlink). */
  public static final int GITLINK = 0160000;

  /** Git file mode of an executable file. */
  public static final int EXECUTABLE = 0100755;

  /** How a path changed. */
  public enum Kind {
    ADDED,
    MODIFIED,
    DELETED,
    RENAMED
  }

  public Change {
    Objects.requireNonNull(path);
    if (path.isEmpty() || path.startsWith("/")) {
      throw new IllegalArgumentException("change path must be relative: '" + path + "'");
    }
    if ((kind == Kind.RENAMED) != (oldPath != null)) {
      throw new IllegalArgumentException("oldPath is set exactly for renames: " + path);
    }
  }
}
