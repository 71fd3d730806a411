package dev.corral.core;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The mounts a backend makes inside the workspace so that the protected entries of a {@link
 * FilesystemPolicy} stay what they are on the host, in the order it must make them.
 *
 * <p>An existing entry becomes a read-only bind of itself; an absent one a read-only empty
 * placeholder, so that the sandbox cannot create it. A nested entry ({@code sub/.git}) would be no
 * safer than its parents: the sandbox could rename {@code sub} away, taking the read-only bind
 * along, and create a new {@code sub/.git}. So every directory between the workspace and a nested
 * entry is first bound onto itself read-write ({@link Pin}): a mount point, which {@code rename}
 * and {@code rmdir} refuse with {@code EBUSY}, while its other files stay writable. A parent that
 * is absent becomes the placeholder itself (nothing can be created below it); a parent that is a
 * file becomes read-only. Entries inside another protected entry are covered by it and left out.
 *
 * <p>Entries under {@code .git/} (a clone's hooks and config) are the exception: they are bound
 * only when {@code .git} is a directory and not itself protected, and {@code .git} is not pinned,
 * because in a clone the sandbox owns its {@code .git} and the host runs no git there. When the
 * workspace has no {@code .git} at all, {@code .git} is protected (as a placeholder) whatever the
 * policy says: a repository the sandbox created there would run its hooks on the host.
 *
 * <p>Stateless; reads the file system when {@link #plan} is called.
 */
public final class WorkspaceProtection {
  private WorkspaceProtection() {}

  /** One mount inside the workspace. */
  public sealed interface Step {
    /** Where the mount goes (a host path inside the workspace, the same inside the sandbox). */
    Path path();
  }

  /** Bind this directory onto itself, writable: it cannot be renamed or removed. */
  public record Pin(Path path) implements Step {}

  /** Bind this existing file or directory onto itself, read-only. */
  public record ReadOnly(Path path) implements Step {}

  /**
   * Put a read-only empty placeholder here, which the runtime creates on the host as its mount
   * point and teardown removes: an empty file when {@code file} ({@code .git/config}, which git
   * never adds), otherwise an empty directory (which git ignores, so {@code git add -A} works).
   */
  public record Placeholder(Path path, boolean file) implements Step {}

  /**
   * The mounts that keep {@code policy}'s protected entries intact in {@code workspace} (its real
   * path), parents before what lies below them.
   *
   * @throws UsageException if a protected entry, or a directory on the way to one, is a symbolic
   *     link: following it would protect something else
   */
  public static List<Step> plan(Path workspace, FilesystemPolicy policy) {
    Path dotGit = workspace.resolve(".git");
    boolean gitDir = Files.isDirectory(dotGit, LinkOption.NOFOLLOW_LINKS);
    List<String> entries = new ArrayList<>(policy.protectedInWorkspace());
    if (!Files.exists(dotGit, LinkOption.NOFOLLOW_LINKS) && !entries.contains(".git")) {
      entries.add(".git");
    }
    List<Step> steps = new ArrayList<>();
    Set<Path> done = new HashSet<>();
    for (String entry : entries) {
      if (entry.startsWith(".git/")) {
        // No repository, or the whole .git is read-only already (mount mode): a bind inside it
        // would only add a mount point, which a read-only .git cannot take.
        Path path = workspace.resolve(entry);
        if (gitDir && !entries.contains(".git") && done.add(path)) {
          refuseLink(path, entry);
          steps.add(leaf(path, entry.equals(".git/config")));
        }
        continue;
      }
      if (insideAnother(entry, entries)) {
        continue;
      }
      protect(workspace, entry, steps, done);
    }
    return List.copyOf(steps);
  }

  /**
   * Pins the parents of {@code entry}, then protects the entry, unless a parent is no directory.
   */
  private static void protect(Path workspace, String entry, List<Step> steps, Set<Path> done) {
    String[] parts = entry.split("/", -1);
    Path dir = workspace;
    for (int i = 0; i < parts.length - 1; i++) {
      dir = dir.resolve(parts[i]);
      refuseLink(dir, entry);
      if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        if (done.add(dir)) {
          steps.add(new Placeholder(dir, false));
        }
        return;
      }
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        if (done.add(dir)) {
          steps.add(new ReadOnly(dir));
        }
        return;
      }
      if (done.contains(dir)) {
        continue;
      }
      done.add(dir);
      steps.add(new Pin(dir));
    }
    Path path = workspace.resolve(entry);
    refuseLink(path, entry);
    if (done.add(path)) {
      steps.add(leaf(path, false));
    }
  }

  private static Step leaf(Path path, boolean file) {
    return Files.exists(path, LinkOption.NOFOLLOW_LINKS)
        ? new ReadOnly(path)
        : new Placeholder(path, file);
  }

  private static boolean insideAnother(String entry, List<String> entries) {
    for (String other : entries) {
      if (entry.startsWith(other + "/")) {
        return true;
      }
    }
    return false;
  }

  private static void refuseLink(Path path, String entry) {
    if (Files.isSymbolicLink(path)) {
      throw new UsageException(
          "protected workspace entry "
              + path
              + " is a symbolic link"
              + (path.endsWith(entry) ? "" : " (on the way to " + entry + ")"),
          "Corral keeps it read-only and cannot protect a link; replace it with a real "
              + (isFileName(entry) && path.endsWith(entry) ? "file" : "directory")
              + " or remove it");
    }
  }

  private static boolean isFileName(String entry) {
    return entry.equals("corral.toml") || entry.equals(".envrc") || entry.equals(".git/config");
  }
}
