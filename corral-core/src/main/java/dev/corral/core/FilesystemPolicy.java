package dev.corral.core;

import java.util.List;

/**
 * What a sandbox must never see or change on the host filesystem.
 *
 * @param hidden host paths made invisible even when a mount would expose them (credentials, browser
 *     profiles, and any path the user adds)
 * @param protectedInWorkspace paths relative to the workspace that stay read-only, because
 *     something on the host would execute them later (git hooks, direnv, editor settings)
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

  /** Workspace entries that stay read-only inside the sandbox. */
  public static final List<String> PROTECTED_IN_WORKSPACE =
      List.of(".git/hooks", ".git/config", "corral.toml", ".envrc", ".vscode", ".idea", ".husky");

  public FilesystemPolicy {
    hidden = List.copyOf(hidden);
    protectedInWorkspace = List.copyOf(protectedInWorkspace);
    for (String p : protectedInWorkspace) {
      if (p.startsWith("/") || p.contains("..")) {
        throw new UsageException("protected workspace path must be relative: " + p);
      }
    }
  }

  /** The defaults for a user whose home is {@code home}, plus {@code extraHidden}. */
  public static FilesystemPolicy defaults(HostPath home, List<HostPath> extraHidden) {
    var hidden = new java.util.ArrayList<HostPath>();
    CREDENTIALS.forEach(p -> hidden.add(home.resolve(p)));
    BROWSER_PROFILES.forEach(p -> hidden.add(home.resolve(p)));
    hidden.addAll(extraHidden);
    return new FilesystemPolicy(hidden, PROTECTED_IN_WORKSPACE);
  }
}
