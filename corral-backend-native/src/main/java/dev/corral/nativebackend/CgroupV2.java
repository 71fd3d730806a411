package dev.corral.nativebackend;

import dev.corral.core.Check;
import dev.corral.core.ResourceLimits;
import dev.corral.core.SandboxException;
import dev.corral.core.SandboxId;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Cgroup v2 below a group this user may write: each sandbox gets {@code <parent>/corral-<id>},
 * where {@code parent} is the nearest ancestor of the process's own group that is writable, offers
 * the memory and pids controllers, and has them (or may get them) enabled for its children. The own
 * group itself cannot be used: v2 forbids processes in a group whose controllers are enabled for
 * its children, and Corral's JVM lives there.
 *
 * @param parent the group the sandbox groups are created in
 * @param controllers the controllers sandbox groups get: memory, pids and cpu when offered
 */
record CgroupV2(Path parent, List<String> controllers) implements Cgroups {
  static final String PREFIX = "corral-";
  private static final long CPU_PERIOD_US = 100_000;
  private static final System.Logger LOG = System.getLogger(CgroupV2.class.getName());

  CgroupV2 {
    controllers = List.copyOf(controllers);
  }

  /** Finds the nearest usable ancestor of {@code ownGroup}, or explains why there is none. */
  static Cgroups detect(Path mountPoint, Path ownGroup) {
    @Nullable String firstProblem = null;
    for (Path p = ownGroup.getParent(); p != null && p.startsWith(mountPoint); p = p.getParent()) {
      String problem = problem(p);
      if (problem == null) {
        Set<String> offered = words(p.resolve("cgroup.controllers"));
        List<String> use = CgroupV1.CONTROLLERS.stream().filter(offered::contains).toList();
        return new CgroupV2(p, use);
      }
      LOG.log(System.Logger.Level.DEBUG, "cgroup {0} unusable: {1}", p, problem);
      if (firstProblem == null) {
        firstProblem = problem;
      }
    }
    return new NoCgroups(
        "cgroup v2 is not delegated to you ("
            + (firstProblem == null ? "own cgroup " + ownGroup + " has no parent" : firstProblem)
            + ")",
        "run Corral under `systemd-run --user --scope -p Delegate=yes corral ...`, or give your"
            + " user manager the controllers with `systemctl edit user@.service`"
            + " ([Service] Delegate=memory pids cpu)");
  }

  /** Why sandbox groups cannot be created in {@code p}, or null if they can. */
  private static @Nullable String problem(Path p) {
    Set<String> offered = words(p.resolve("cgroup.controllers"));
    if (!offered.containsAll(List.of("memory", "pids"))) {
      return p + " offers controllers " + offered + ", not memory and pids";
    }
    if (!Files.isWritable(p)
        || !Files.isWritable(p.resolve("cgroup.procs"))
        || !Files.isWritable(p.resolve("cgroup.subtree_control"))) {
      return p + " is not writable by you";
    }
    Set<String> enabled = words(p.resolve("cgroup.subtree_control"));
    if (!enabled.containsAll(List.of("memory", "pids"))
        && !CgroupFiles.pids(p.resolve("cgroup.procs")).isEmpty()) {
      return p
          + " holds processes, so its controllers cannot be enabled for children"
          + " (cgroup v2 no-internal-processes rule)";
    }
    return null;
  }

  private static Set<String> words(Path file) {
    String text = CgroupFiles.text(file);
    return text.isEmpty() ? Set.of() : Set.copyOf(List.of(text.split("\\s+", -1)));
  }

  @Override
  public Check probe() {
    return Check.ok(
        CHECK_NAME, "v2 delegated at " + parent + " (" + String.join(",", controllers) + ")");
  }

  @Override
  public CgroupHandle create(SandboxId id, ResourceLimits limits) {
    List<Path> created = new ArrayList<>();
    try {
      enableControllers();
      Path dir = parent.resolve(PREFIX + id.value());
      Files.createDirectory(dir);
      created.add(dir);
      writeLimits(dir, limits);
      return CgroupHandle.v2(id, dir, limits);
    } catch (IOException | RuntimeException e) {
      throw Cgroups.createFailed(id, created, e);
    }
  }

  private void enableControllers() throws IOException {
    Path subtree = parent.resolve("cgroup.subtree_control");
    Set<String> enabled = words(subtree);
    for (String controller : controllers) {
      if (!enabled.contains(controller)) {
        CgroupFiles.write(subtree, "+" + controller);
      }
    }
  }

  @Override
  public CgroupHandle adopt(CgroupHandle slot, SandboxId id, ResourceLimits limits) {
    try {
      Path target = Files.move(slot.groups().getFirst(), parent.resolve(PREFIX + id.value()));
      writeLimits(target, limits);
      return CgroupHandle.v2(id, target, limits);
    } catch (IOException | RuntimeException e) {
      throw new SandboxException(
          "cannot hand cgroup " + slot.groups() + " over to sandbox " + id + ": " + e.getMessage(),
          "run `corral doctor`",
          e);
    }
  }

  private static void writeLimits(Path dir, ResourceLimits limits) throws IOException {
    CgroupFiles.write(dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
    Path swap = dir.resolve("memory.swap.max");
    if (Files.exists(swap)) {
      CgroupFiles.write(swap, "0");
    }
    CgroupFiles.write(dir.resolve("pids.max"), Integer.toString(limits.pids()));
    Path cpu = dir.resolve("cpu.max");
    if (Files.exists(cpu) && limits.capsCpu()) {
      CgroupFiles.write(cpu, CgroupV1.cpuQuotaUs(limits) + " " + CPU_PERIOD_US);
    }
  }

  @Override
  public List<String> reapOrphans(Predicate<String> isLive) {
    Map<String, List<Path>> byId = new TreeMap<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(parent, PREFIX + "*")) {
      for (Path child : children) {
        if (Files.isDirectory(child)) {
          String id = child.getFileName().toString().substring(PREFIX.length());
          byId.put(id, List.of(child));
        }
      }
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "cannot list {0}: {1}", parent, e);
    }
    return Cgroups.reap(byId, isLive);
  }
}
