package dev.corral.nativebackend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds out which cgroup hierarchies are mounted and where the running process sits in them, from
 * {@code /proc/self/mountinfo} and {@code /proc/self/cgroup}. The paths are parameters so that
 * tests can describe other hosts.
 *
 * <p>Stateless and thread-safe; never changes the system.
 */
final class CgroupDetection {
  static final String NO_CGROUPS_FIX =
      "run Corral on a host with cgroup v2 and systemd, under `systemd-run --user --scope -p"
          + " Delegate=yes corral ...`, or as root";

  /** One cgroup mount: its mount point, the group it shows as its root, and its options. */
  record Mount(Path mountPoint, String root, String fsType, Set<String> options) {
    /** The directory of {@code cgroupPath} in this mount, if the mount shows it. */
    Optional<Path> directoryOf(String cgroupPath) {
      String base = root.equals("/") ? "" : root;
      if (!cgroupPath.equals(base) && !cgroupPath.startsWith(base + "/")) {
        return Optional.empty();
      }
      String relative = cgroupPath.substring(base.length()).replaceFirst("^/+", "");
      return Optional.of(relative.isEmpty() ? mountPoint : mountPoint.resolve(relative));
    }
  }

  private CgroupDetection() {}

  static Cgroups detect(Path procSelfCgroup, Path mountinfo) {
    List<Mount> mounts;
    Map<String, String> own;
    try {
      mounts = mounts(Files.readAllLines(mountinfo, StandardCharsets.UTF_8));
      own = ownPaths(Files.readAllLines(procSelfCgroup, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new NoCgroups("cannot read " + e.getMessage(), NO_CGROUPS_FIX);
    }
    Optional<Mount> memory = v1Mount(mounts, "memory");
    Optional<Mount> pids = v1Mount(mounts, "pids");
    if (memory.isPresent() && pids.isPresent()) {
      return CgroupV1.detect(v1Groups(mounts, own));
    }
    Optional<Mount> unified = mounts.stream().filter(m -> m.fsType().equals("cgroup2")).findFirst();
    String ownV2 = own.get("");
    if (unified.isPresent() && ownV2 != null) {
      Optional<Path> dir = unified.get().directoryOf(ownV2);
      if (dir.isEmpty()) {
        return new NoCgroups(
            "own cgroup " + ownV2 + " is outside the mount " + unified.get().mountPoint(),
            NO_CGROUPS_FIX);
      }
      return CgroupV2.detect(unified.get().mountPoint(), dir.get());
    }
    return new NoCgroups(
        "no cgroup v2 filesystem and no cgroup v1 memory and pids hierarchies are mounted",
        NO_CGROUPS_FIX);
  }

  /** The process's own group directory in each mounted v1 controller Corral uses. */
  private static Map<String, Path> v1Groups(List<Mount> mounts, Map<String, String> own) {
    Map<String, Path> groups = new HashMap<>();
    for (String controller : CgroupV1.CONTROLLERS) {
      String path = own.get(controller);
      Optional<Mount> mount = v1Mount(mounts, controller);
      if (path != null && mount.isPresent()) {
        mount.get().directoryOf(path).ifPresent(dir -> groups.put(controller, dir));
      }
    }
    return groups;
  }

  private static Optional<Mount> v1Mount(List<Mount> mounts, String controller) {
    return mounts.stream()
        .filter(m -> m.fsType().equals("cgroup") && m.options().contains(controller))
        .findFirst();
  }

  /** The cgroup mounts in {@code /proc/self/mountinfo} format (see proc(5)). */
  static List<Mount> mounts(List<String> mountinfo) {
    List<Mount> mounts = new ArrayList<>();
    for (String line : mountinfo) {
      String[] fields = line.split(" ", -1);
      int dash = List.of(fields).indexOf("-");
      if (dash < 5 || fields.length < dash + 4) {
        continue;
      }
      String fsType = fields[dash + 1];
      if (fsType.equals("cgroup") || fsType.equals("cgroup2")) {
        mounts.add(
            new Mount(
                Path.of(unescape(fields[4])),
                unescape(fields[3]),
                fsType,
                Set.copyOf(List.of(fields[dash + 3].split(",", -1)))));
      }
    }
    return mounts;
  }

  /**
   * The process's cgroup path per v1 controller, and under the key {@code ""} its v2 path, from
   * {@code /proc/self/cgroup} lines such as {@code 4:memory:/a} or {@code 0::/user.slice}.
   */
  static Map<String, String> ownPaths(List<String> procSelfCgroup) {
    Map<String, String> paths = new HashMap<>();
    for (String line : procSelfCgroup) {
      String[] parts = line.split(":", 3);
      if (parts.length != 3) {
        continue;
      }
      if (parts[0].equals("0") && parts[1].isEmpty()) {
        paths.put("", parts[2]);
      } else {
        for (String controller : parts[1].split(",", -1)) {
          paths.put(controller, parts[2]);
        }
      }
    }
    return paths;
  }

  /** Undoes mountinfo's octal escapes, e.g. {@code \040} for a space. */
  private static String unescape(String field) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\'
          && i + 4 <= field.length()
          && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
