package dev.corral.workspace;

/**
 * One clone workspace as {@code corral ls} shows it.
 *
 * @param name the sandbox's name
 * @param state {@code running}, {@code stopped}, {@code merged} or {@code applied}
 * @param branch the workspace's branch, {@code corral/<name>}
 * @param repo the user's repository
 * @param base the commit the workspace started from
 * @param tip the saved branch tip (the base until the first save)
 * @param command the agent or command that ran
 * @param created ISO-8601 instant of creation
 * @param ahead commits on the branch that the user's current HEAD lacks; -1 when unknown
 * @param behind commits on the user's current HEAD that the branch lacks; -1 when unknown
 * @param changedFiles files changed from the base to the tip
 */
public record WorkspaceInfo(
    String name,
    String state,
    String branch,
    String repo,
    String base,
    String tip,
    String command,
    String created,
    int ahead,
    int behind,
    int changedFiles) {}
