package dev.corral.workspace;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What Corral knows about one clone workspace. Kept on the host next to (never inside) the clone,
 * so a sandbox cannot change it.
 *
 * @param name the sandbox name, also the workspace's name
 * @param repo the top-level directory of the user's repository
 * @param objects the user's object directory, which clone and vault borrow through alternates
 * @param base the commit the workspace started from
 * @param branch the workspace's branch, {@code corral/<name>}
 * @param command what ran in the sandbox (agent name or command), for commit authors and listings
 * @param created ISO-8601 instant of creation
 * @param state where the workspace is in its life
 * @param ownerPid the pid of the {@code corral} process running the sandbox while {@code RUNNING}
 * @param ownerStarted that process's start instant, to tell it from a later process with the same
 *     pid
 * @param tip the branch tip saved at the last stop; null until the first stop
 * @param carried the commit holding the user's uncommitted changes carried in, if any
 * @param merged the merge commit, once merged
 * @param applied when the changes were applied to the user's working tree, if they were
 * @param acceptedRisk the blocking findings a user accepted with {@code --accept-risk}, if any
 */
record Metadata(
    String name,
    String repo,
    String objects,
    String base,
    String branch,
    String command,
    String created,
    State state,
    long ownerPid,
    @Nullable String ownerStarted,
    @Nullable String tip,
    @Nullable String carried,
    @Nullable String merged,
    @Nullable String applied,
    @Nullable String acceptedRisk) {

  /** The life of a workspace. */
  enum State {
    /** A sandbox works in the clone (or its corral process died before saving the work). */
    RUNNING,
    /** The work is committed to the branch and saved in the vault. */
    STOPPED
  }

  /** The saved tip, or the base when nothing was saved yet. */
  String tipOrBase() {
    return Optional.ofNullable(tip).orElse(base);
  }

  Metadata stopped(String newTip) {
    return new Metadata(
        name,
        repo,
        objects,
        base,
        branch,
        command,
        created,
        State.STOPPED,
        0,
        null,
        newTip,
        carried,
        merged,
        applied,
        acceptedRisk);
  }

  Metadata running(long pid, @Nullable String started) {
    return new Metadata(
        name,
        repo,
        objects,
        base,
        branch,
        command,
        created,
        State.RUNNING,
        pid,
        started,
        tip,
        carried,
        merged,
        applied,
        acceptedRisk);
  }

  Metadata merged(String commit, @Nullable String risk) {
    return new Metadata(
        name,
        repo,
        objects,
        base,
        branch,
        command,
        created,
        state,
        ownerPid,
        ownerStarted,
        tip,
        carried,
        commit,
        applied,
        risk == null ? acceptedRisk : risk);
  }

  Metadata applied(String when) {
    return new Metadata(
        name,
        repo,
        objects,
        base,
        branch,
        command,
        created,
        state,
        ownerPid,
        ownerStarted,
        tip,
        carried,
        merged,
        when,
        acceptedRisk);
  }
}
