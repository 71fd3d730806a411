package dev.corral.workspace;

import dev.corral.core.EnvironmentException;
import dev.corral.core.FilesystemPolicy;
import dev.corral.core.HostPath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.util.FS;

/**
 * The submodules of a checkout that a sandbox works on in place (mount mode), whose {@code .git}
 * must stay read-only: the user's next {@code git status} in the superproject enters every
 * populated submodule and runs what its config says ({@code core.fsmonitor}), so a sandbox that
 * could edit an old-style {@code sub/.git/config}, or replace the gitfile {@code sub/.git} with a
 * directory of its own, would run code on the host.
 *
 * <p>The submodules are the gitlinks (mode 160000) of the repository's index, read with JGit's
 * {@link DirCache}, which parses the file and runs nothing: no git command line, no hooks, no
 * repository configuration. Populated submodules are entered the same way (their index lists the
 * nested ones): an old-style {@code sub/.git} directory holds its own index, a gitfile points at
 * the git directory under the superproject's {@code .git/modules}. The index is read-only in the
 * sandbox (with the whole {@code .git}), so the set cannot grow while it runs.
 *
 * <p>Stateless and thread-safe.
 */
public final class Submodules {
  /** Each submodule costs the sandbox a few mounts; past this many, mount mode is refused. */
  static final int MAX_GITLINKS = 1000;

  /** Submodules inside submodules inside ..., at most this deep. */
  static final int MAX_DEPTH = 16;

  /** A gitfile is one short line; anything longer is not one. */
  private static final int MAX_GITFILE = 4096;

  private Submodules() {}

  /**
   * {@code policy} with the {@code .git} of every submodule of {@code workspace} read-only too, and
   * a submodule's git directory when its gitfile points elsewhere in the workspace.
   *
   * @throws EnvironmentException if an index cannot be read, or the repository has more than
   *     {@value #MAX_GITLINKS} submodules; the message names the file and the fix
   */
  public static FilesystemPolicy protect(FilesystemPolicy policy, HostPath workspace) {
    return policy.withProtected(protectedEntries(workspace));
  }

  /**
   * The entries, relative to the real path of {@code workspace}, that keep its submodules intact:
   * {@code <gitlink>/.git} for every gitlink of the index of the repository the workspace is (or
   * lies in), nested ones included, whether that {@code .git} is a directory, a gitfile or absent.
   * Empty when the workspace is in no repository.
   *
   * @throws EnvironmentException as {@link #protect}
   */
  public static List<String> protectedEntries(HostPath workspace) {
    Path root;
    try {
      root = workspace.path().toRealPath();
    } catch (IOException e) {
      return List.of(); // the engine's workspace check says what is wrong with it
    }
    Optional<Path> top = enclosingWorkTree(root);
    if (top.isEmpty()) {
      return List.of();
    }
    Optional<Path> gitDir = gitDir(top.get().resolve(".git"));
    if (gitDir.isEmpty()) {
      return List.of();
    }
    String within = top.get().equals(root) ? "" : top.get().relativize(root) + "/";
    Set<String> entries = new LinkedHashSet<>();
    new Walk(root, entries).visit(gitDir.get(), "", within, 0);
    return List.copyOf(entries);
  }

  /** The workspace, or the nearest directory above it, that holds a {@code .git}. */
  private static Optional<Path> enclosingWorkTree(Path dir) {
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.exists(d.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  /**
   * The git directory that {@code dotGit} stands for: itself when it is a directory, the target of
   * a gitfile ({@code gitdir: PATH}); empty when absent, a symbolic link, or not a gitfile.
   */
  static Optional<Path> gitDir(Path dotGit) {
    return gitDir(dotGit, false);
  }

  /**
   * As {@link #gitDir(Path)}; with {@code refuseLinks}, a gitfile whose target is reached through a
   * symbolic link is refused: git follows the link each time it reads the file, and the agent may
   * re-point a link in the working tree to a directory of its own after Corral protected the old
   * target.
   */
  static Optional<Path> gitDir(Path dotGit, boolean refuseLinks) {
    if (Files.isDirectory(dotGit, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.of(dotGit);
    }
    if (!Files.isRegularFile(dotGit, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    byte[] head;
    try (InputStream in = Files.newInputStream(dotGit, LinkOption.NOFOLLOW_LINKS)) {
      head = in.readNBytes(MAX_GITFILE);
    } catch (IOException e) {
      return Optional.empty();
    }
    String text = new String(head, StandardCharsets.UTF_8);
    if (!text.startsWith("gitdir:")) {
      return Optional.empty();
    }
    String target = text.substring("gitdir:".length()).lines().findFirst().orElse("").strip();
    if (target.isEmpty() || target.indexOf('\0') >= 0) {
      return Optional.empty();
    }
    Path parent = dotGit.toAbsolutePath().getParent();
    if (parent == null) {
      return Optional.empty();
    }
    try {
      Path dir = (refuseLinks ? parent.toRealPath() : parent).resolve(target).normalize();
      if (!Files.isDirectory(dir)) {
        return Optional.empty();
      }
      Path real = dir.toRealPath();
      if (refuseLinks && !real.equals(dir)) {
        throw new EnvironmentException(
            "the submodule's gitfile "
                + dotGit
                + " reaches its git directory through a symbolic link ("
                + target
                + "), which mount mode cannot keep pointing where it points now",
            "make the gitdir a plain path, or run it in a clone: corral run --workspace-mode"
                + " clone");
      }
      return Optional.of(real);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** One walk through a repository and its populated submodules. */
  private record Walk(Path root, Set<String> entries) {
    /**
     * Adds the gitlinks in the index of {@code gitDir} that lie in the workspace, then enters each
     * populated one. The index's working tree is at {@code prefix} in the workspace ({@code ""} or
     * ending in {@code /}); or, for the repository the workspace lies in, the workspace is at
     * {@code within} in the working tree.
     */
    void visit(Path gitDir, String prefix, String within, int depth) {
      Path index = gitDir.resolve("index");
      for (String gitlink : gitlinks(index)) {
        if (!gitlink.startsWith(within)) {
          continue; // outside the workspace (it lies in a subdirectory of the working tree)
        }
        String inside = prefix + gitlink.substring(within.length());
        if (entries.add(inside + "/.git") && entries.size() > MAX_GITLINKS) {
          throw new EnvironmentException(
              "the repository at "
                  + root
                  + " has more than "
                  + MAX_GITLINKS
                  + " submodules, which mount mode keeps read-only one by one",
              "run it in a clone: corral run --workspace-mode clone");
        }
        Path dotGit = root.resolve(inside).resolve(".git");
        Optional<Path> nested = gitDir(dotGit, true);
        if (nested.isEmpty()) {
          continue;
        }
        Path dir = nested.get();
        if (dir.startsWith(root) && !dir.startsWith(root.resolve(".git")) && !dir.equals(dotGit)) {
          // A gitfile into the workspace itself, outside the read-only .git: its config too.
          entries.add(root.relativize(dir).toString());
        }
        if (depth + 1 < MAX_DEPTH) {
          visit(dir, inside + "/", "", depth + 1);
        }
      }
    }
  }

  /** The paths of the gitlinks in {@code index}; none when there is no index yet. */
  static List<String> gitlinks(Path index) {
    if (!Files.isRegularFile(index)) {
      return List.of();
    }
    DirCache cache;
    try {
      // Parses the file; with no repository given it reads no configuration and runs nothing.
      cache = DirCache.read(index.toFile(), FS.DETECTED);
    } catch (IOException | RuntimeException e) {
      throw unreadable(index, e);
    }
    List<String> found = new ArrayList<>();
    for (int i = 0; i < cache.getEntryCount(); i++) {
      DirCacheEntry entry = cache.getEntry(i);
      if (FileMode.GITLINK.equals(entry.getRawMode())) {
        String path = entry.getPathString();
        if (!isPlainPath(path)) {
          throw unreadable(index, new IOException("invalid submodule path '" + path + "'"));
        }
        found.add(path);
      }
    }
    return found;
  }

  private static boolean isPlainPath(String path) {
    for (String part : path.split("/", -1)) {
      if (part.isEmpty()
          || part.equals(".")
          || part.equals("..")
          || GitPaths.isDotGit(part)
          || part.indexOf('\0') >= 0) {
        return false;
      }
    }
    return true;
  }

  private static EnvironmentException unreadable(Path index, Exception cause) {
    return new EnvironmentException(
        "cannot read the git index " + index + ": " + cause.getMessage(),
        "Corral reads it to keep the submodules read-only; repair it (git status there says how;"
            + " a split index: git update-index --no-split-index) or run with --workspace-mode"
            + " clone",
        cause);
  }
}
