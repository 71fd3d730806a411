package dev.corral.nativebackend;

import dev.corral.core.Check;
import dev.corral.core.ResourceLimits;
import dev.corral.core.SandboxException;
import dev.corral.core.SandboxId;
import dev.corral.core.UsageException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * How this host lets Corral limit a sandbox with cgroups: {@link CgroupV2} below a delegated
 * cgroup, {@link CgroupV1} (memory, pids and cpu hierarchies) or {@link NoCgroups}, which explains
 * why and how to fix it while limits fall back to rlimits.
 *
 * <p>Groups Corral creates are labelled by name so that a later run can {@linkplain #reapOrphans
 * reap} them: {@code corral/<sandbox-id>} in v1, {@code corral-<sandbox-id>} in v2.
 *
 * <p>Implementations are immutable and thread-safe; {@link #detect()} reads {@code /proc} and
 * {@code /sys/fs/cgroup} without changing anything.
 */
sealed interface Cgroups permits CgroupV1, CgroupV2, NoCgroups {
  String CHECK_NAME = "cgroups";

  /** Detects the cgroup setup of the running process. */
  static Cgroups detect() {
    return CgroupDetection.detect(Path.of("/proc/self/cgroup"), Path.of("/proc/self/mountinfo"));
  }

  /**
   * What {@code corral doctor} shows: OK when cgroups limit sandboxes, WARN with the fix if not.
   */
  Check probe();

  /**
   * Creates the groups of one sandbox and writes its limits. The caller closes the handle.
   *
   * @throws SandboxException when a group cannot be created or a limit cannot be written; nothing
   *     created by this call is left behind
   */
  CgroupHandle create(SandboxId id, ResourceLimits limits);

  /**
   * Hands the groups of a pre-started pool slot over to sandbox {@code id}: renames them (the name
   * is the label the reaper goes by) and applies {@code limits}. The slot's handle must not be used
   * afterwards.
   *
   * @throws SandboxException when a group cannot be renamed or limited
   */
  CgroupHandle adopt(CgroupHandle slot, SandboxId id, ResourceLimits limits);

  /**
   * Kills the processes of, and removes, every Corral group whose sandbox is not live.
   *
   * @param isLive whether a sandbox id belongs to a sandbox that still exists
   * @return one line per group removed or failed to remove
   */
  List<String> reapOrphans(Predicate<String> isLive);

  /** Removes the groups in {@code groupsById} whose id is not live; shared by v1 and v2. */
  static List<String> reap(Map<String, List<Path>> groupsById, Predicate<String> isLive) {
    List<String> report = new ArrayList<>();
    groupsById.forEach(
        (name, groups) -> {
          if (isLive.test(name)) {
            return;
          }
          SandboxId id;
          try {
            id = SandboxId.of(name);
          } catch (UsageException e) {
            report.add("skipped cgroup " + groups + ": '" + name + "' is not a sandbox name");
            return;
          }
          CgroupHandle orphan = CgroupHandle.forRemoval(id, groups);
          int processes = orphan.processCount();
          try {
            orphan.close();
            report.add(
                "removed orphan cgroup of sandbox %s (%d processes killed): %s"
                    .formatted(name, processes, groups));
          } catch (SandboxException e) {
            report.add("could not remove orphan cgroup of sandbox " + name + ": " + e.getMessage());
          }
        });
    return report;
  }

  /** The failure of a create call, after removing the groups it made so far. */
  static SandboxException createFailed(SandboxId id, List<Path> created, Exception e) {
    SandboxException failure =
        e instanceof FileAlreadyExistsException
            ? new SandboxException(
                "cgroup " + e.getMessage() + " already exists for sandbox " + id,
                "stop the other sandbox named " + id + ", or run `corral rm " + id + "`",
                e)
            : new SandboxException(
                "could not create the cgroups of sandbox " + id + ": " + e.getMessage(),
                "run `corral doctor` to check cgroup support",
                e);
    try {
      CgroupHandle.forRemoval(id, created).close();
    } catch (SandboxException cleanup) {
      failure.addSuppressed(cleanup);
    }
    return failure;
  }
}
