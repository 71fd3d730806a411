package dev.corral.workspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Checks a change by its file mode: symlinks and where they point, executable bits, gitlinks. */
final class ModeCheck {
  private ModeCheck() {}

  static void inspect(Change change, Findings out) {
    if (change.kind() == Change.Kind.DELETED) {
      return;
    }
    int mode = change.newMode();
    switch (mode) {
      case GitPaths.SYMLINK -> inspectSymlink(change, out);
      case GitPaths.EXECUTABLE -> {
        if (change.oldMode() != GitPaths.EXECUTABLE) {
          out.add(
              Severity.WARN,
              "executable",
              change.path(),
              0,
              change.oldMode() == 0 ? "new executable file" : "executable bit added",
              "check that it should be runnable; tools and hooks may run executables by name");
        }
      }
      case GitPaths.GITLINK -> {
        boolean added = change.oldMode() != GitPaths.GITLINK;
        out.add(
            added ? Severity.WARN : Severity.INFO,
            "submodule",
            change.path(),
            0,
            added ? "new submodule" : "submodule moved to another commit",
            "`git submodule update` fetches and checks out the commit it names");
      }
      case GitPaths.REGULAR -> {}
      default ->
          out.add(
              Severity.WARN,
              "mode",
              change.path(),
              0,
              "unusual git file mode " + Integer.toOctalString(mode),
              "git writes only 100644, 100755, 120000 and 160000; inspect the tree by hand");
    }
  }

  private static void inspectSymlink(Change change, Findings out) {
    String target = change.symlinkTarget();
    if (target == null) {
      try {
        target = new String(Blob.read(change.newContent(), 4096).bytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        out.add(
            Severity.BLOCK,
            "symlink",
            change.path(),
            0,
            "symlink whose target cannot be read: " + e.getMessage(),
            "inspect it with `git ls-tree`");
        return;
      }
    }
    String problem = problem(change.path(), target);
    if (problem == null) {
      out.add(
          Severity.INFO,
          "symlink",
          change.path(),
          0,
          "symlink to '" + target + "' inside the repository",
          "");
    } else {
      out.add(
          Severity.BLOCK,
          "symlink",
          change.path(),
          0,
          "symlink to '" + target + "' " + problem,
          "tools that follow it read or write outside the repository; remove the link");
    }
  }

  /** Why a symlink target is dangerous, or {@code null} when it stays inside the repository. */
  static @org.jspecify.annotations.Nullable String problem(String linkPath, String target) {
    if (target.isEmpty()) {
      return "is empty";
    }
    if (target.startsWith("/") || target.startsWith("\\") || target.matches("^[A-Za-z]:.*")) {
      return "is an absolute path";
    }
    if (target.startsWith("~")) {
      return "points into a home directory";
    }
    List<String> linkParts = GitPaths.components(linkPath);
    int depth = linkParts.size() - 1;
    for (String part : GitPaths.components(target)) {
      if (GitPaths.isDotGit(part)) {
        return "points into .git";
      }
      if (part.equals("..")) {
        depth--;
        if (depth < 0) {
          return "points outside the repository";
        }
      } else if (!part.equals(".")) {
        depth++;
      }
    }
    return null;
  }
}
