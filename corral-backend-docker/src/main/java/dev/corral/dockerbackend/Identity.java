package dev.corral.dockerbackend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Who the sandbox runs as: the host user's uid and gid, so that files written to the workspace keep
 * their owner. Never root: when Corral itself runs as root, the sandbox takes the workspace's
 * owner, or {@link ContainerPlan#FALLBACK_ID} for a root-owned workspace.
 *
 * @param home the home directory inside (a private tmpfs)
 */
record Identity(int uid, int gid, String home) {

  static Identity of(Path workspace) {
    int uid = hostUid();
    int gid = attribute(Path.of("/proc/self"), "unix:gid");
    if (uid != 0) {
      return new Identity(uid, gid, System.getProperty("user.home"));
    }
    int owner = attribute(workspace, "unix:uid");
    int group = attribute(workspace, "unix:gid");
    return owner > 0
        ? new Identity(owner, group, "/home/corral")
        : new Identity(ContainerPlan.FALLBACK_ID, ContainerPlan.FALLBACK_ID, "/home/corral");
  }

  /** This process's effective uid: the owner of {@code /proc/self}. */
  static int hostUid() {
    return attribute(Path.of("/proc/self"), "unix:uid");
  }

  private static int attribute(Path path, String name) {
    try {
      return (Integer) Files.getAttribute(path, name, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | RuntimeException e) {
      return ContainerPlan.FALLBACK_ID;
    }
  }
}
