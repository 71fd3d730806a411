package dev.corral.core;

import java.util.List;

/**
 * What a sandbox must never see or change on the host filesystem.
 *
 * @param hidden host paths made invisible even when a mount would expose them (credentials, browser
 *     profiles, and any path the user adds)
 * @param protectedInWorkspace paths relative to the workspace that stay read-only, because
 *     something on the host would execute them later (git hooks, direnv, editor settings, the
 *     {@code .git} of each submodule); the directories leading to a nested one are pinned in place
 *     too (see {@link WorkspaceProtection})
 */
public record FilesystemPolicy(List<HostPath> hidden, List<String> protectedInWorkspace) {

  /** Credential files and directories, relative to the user's home. */
  public static final List<String> CREDENTIALS =
      List.of(
          ".ssh",
          ".aws",
          ".gnupg",
          ".kube",
          ".docker",
          ".netrc",
          ".git-credentials",
          ".npmrc",
          ".pypirc",
          ".config/gcloud",
          ".config/gh",
          ".azure",
          ".terraform.d",
          ".vault-token",
          ".cargo/credentials",
          ".cargo/credentials.toml",
          ".gem/credentials",
          ".m2/settings.xml",
          ".m2/settings-security.xml",
          ".password-store",
          ".local/share/keyrings",
          ".pgpass",
          ".config/hub");

  /** Browser profiles (cookies and saved passwords), relative to the user's home. */
  public static final List<String> BROWSER_PROFILES =
      List.of(
          ".mozilla",
          ".config/google-chrome",
          ".config/chromium",
          ".config/BraveSoftware",
          ".config/microsoft-edge",
          ".config/vivaldi",
          ".config/opera",
          "snap/firefox",
          "snap/chromium");

  /**
   * Workspace entries that stay read-only inside a sandbox that works on the user's own checkout
   * (mount mode). The whole {@code .git} (a directory or a gitfile): the user's next {@code git
   * status} there reads its config, index, {@code commondir} and submodule gitlinks, so any
   * writable part of it lets the sandbox run code on the host.
   */
  public static final List<String> PROTECTED_IN_WORKSPACE =
      List.of(".git", "corral.toml", ".envrc", ".vscode", ".idea", ".husky");

  /**
   * Workspace entries that stay read-only in a sandbox that works in its own clone: git there must
   * commit, and the host never runs git in the clone, so only the hooks and config are kept.
   */
  public static final List<String> PROTECTED_IN_CLONE =
      List.of(".git/hooks", ".git/config", "corral.toml", ".envrc", ".vscode", ".idea", ".husky");

  public FilesystemPolicy {
    hidden = List.copyOf(hidden);
    protectedInWorkspace = List.copyOf(protectedInWorkspace);
    for (String p : protectedInWorkspace) {
      if (p.startsWith("/") || !isPlainRelative(p)) {
        throw new UsageException(
            "protected workspace path must be relative, without . or .. or empty parts: " + p);
      }
    }
  }

  private static boolean isPlainRelative(String path) {
    for (String part : path.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..") || part.indexOf('\0') >= 0) {
        return false;
      }
    }
    return true;
  }

  /** The defaults for a user whose home is {@code home}, plus {@code extraHidden}. */
  public static FilesystemPolicy defaults(HostPath home, List<HostPath> extraHidden) {
    var hidden = new java.util.ArrayList<HostPath>();
    CREDENTIALS.forEach(p -> hidden.add(home.resolve(p)));
    BROWSER_PROFILES.forEach(p -> hidden.add(home.resolve(p)));
    hidden.addAll(extraHidden);
    return new FilesystemPolicy(hidden, PROTECTED_IN_WORKSPACE);
  }

  /**
   * This policy with {@code entries} (relative to the workspace) read-only as well, e.g. the {@code
   * .git} of every submodule of a checkout that a sandbox works on in place. Duplicates are
   * dropped.
   *
   * @throws UsageException if an entry is absolute or has {@code .}, {@code ..} or empty parts
   */
  public FilesystemPolicy withProtected(List<String> entries) {
    var all = new java.util.ArrayList<String>(protectedInWorkspace);
    all.addAll(entries);
    return new FilesystemPolicy(hidden, all.stream().distinct().toList());
  }

  /**
   * This policy for a sandbox that works in its own clone: a protected {@code .git} becomes its
   * hooks and config, so that git can commit there.
   */
  public FilesystemPolicy forClone() {
    var entries = new java.util.ArrayList<String>();
    for (String p : protectedInWorkspace) {
      if (p.equals(".git")) {
        entries.add(".git/hooks");
        entries.add(".git/config");
      } else {
        entries.add(p);
      }
    }
    return new FilesystemPolicy(hidden, entries.stream().distinct().toList());
  }
}
