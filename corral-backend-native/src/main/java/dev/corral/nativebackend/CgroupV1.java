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
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Cgroup v1: one group per hierarchy, {@code <mount>/<own group>/corral/<sandbox-id>}, for the
 * memory and pids controllers and the cpu controller when it is mounted. The {@code corral}
 * directory is the label; it stays in place so that concurrent creators never race its removal.
 *
 * @param groups the process's own group directory per controller; memory and pids are present
 */
record CgroupV1(Map<String, Path> groups) implements Cgroups {
  /** The controllers Corral uses, in the order the launcher joins them. */
  static final List<String> CONTROLLERS = List.of("memory", "pids", "cpu");

  static final String LABEL = "corral";
  private static final long CPU_PERIOD_US = 100_000;
  private static final System.Logger LOG = System.getLogger(CgroupV1.class.getName());

  CgroupV1 {
    groups = Map.copyOf(groups);
  }

  /** A usable v1 setup, or the reason why the own groups cannot hold Corral's. */
  static Cgroups detect(Map<String, Path> ownGroups) {
    Map<String, Path> usable = new TreeMap<>();
    for (String controller : CONTROLLERS) {
      Path dir = ownGroups.get(controller);
      boolean required = !controller.equals("cpu");
      if (dir != null && Files.isDirectory(dir) && Files.isWritable(dir)) {
        usable.put(controller, dir);
      } else if (required) {
        return new NoCgroups(
            "cgroup v1 "
                + controller
                + (dir == null ? " group of this process not found" : " group " + dir)
                + " is not writable by you",
            "ask an administrator to give you a memory and pids group (e.g. `cgcreate -a $USER"
                + " -t $USER -g memory,pids:corral-$USER`, then start Corral inside it with"
                + " `cgexec`), or use a host with cgroup v2, where systemd delegates cgroups to"
                + " users");
      }
    }
    return new CgroupV1(usable);
  }

  private List<String> controllers() {
    return CONTROLLERS.stream().filter(groups::containsKey).toList();
  }

  @Override
  public Check probe() {
    return Check.ok(CHECK_NAME, "v1 " + String.join(",", controllers()));
  }

  @Override
  public CgroupHandle create(SandboxId id, ResourceLimits limits) {
    List<Path> created = new ArrayList<>();
    try {
      for (String controller : controllers()) {
        if (controller.equals("cpu") && !limits.capsCpu()) {
          // No cap to enforce; CFS bandwidth control would only add throttling jitter.
          continue;
        }
        Path dir = own(controller).resolve(LABEL).resolve(id.value());
        Files.createDirectories(dir.getParent());
        Files.createDirectory(dir);
        created.add(dir);
        writeLimits(controller, dir, limits);
      }
      return CgroupHandle.v1(id, created, group("memory", id), group("pids", id), limits);
    } catch (IOException | RuntimeException e) {
      throw Cgroups.createFailed(id, created, e);
    }
  }

  @Override
  public CgroupHandle adopt(CgroupHandle slot, SandboxId id, ResourceLimits limits) {
    try {
      List<Path> adopted = new ArrayList<>();
      for (Path dir : slot.groups()) {
        String controller =
            controllers().stream()
                .filter(c -> dir.startsWith(own(c)))
                .findFirst()
                .orElseThrow(() -> new IOException("not a Corral group: " + dir));
        Path target = Files.move(dir, group(controller, id));
        adopted.add(target);
        writeLimits(controller, target, limits);
      }
      return CgroupHandle.v1(id, adopted, group("memory", id), group("pids", id), limits);
    } catch (IOException | RuntimeException e) {
      throw new SandboxException(
          "cannot hand cgroups " + slot.groups() + " over to sandbox " + id + ": " + e.getMessage(),
          "run `corral doctor`",
          e);
    }
  }

  private Path own(String controller) {
    return Objects.requireNonNull(groups.get(controller), controller);
  }

  private Path group(String controller, SandboxId id) {
    return own(controller).resolve(LABEL).resolve(id.value());
  }

  private static void writeLimits(String controller, Path dir, ResourceLimits limits)
      throws IOException {
    switch (controller) {
      case "memory" -> {
        CgroupFiles.write(
            dir.resolve("memory.limit_in_bytes"), Long.toString(limits.memoryBytes()));
        Path memsw = dir.resolve("memory.memsw.limit_in_bytes");
        if (Files.exists(memsw)) {
          try {
            // Same value as RAM: the sandbox gets no swap on top of its memory.
            CgroupFiles.write(memsw, Long.toString(limits.memoryBytes()));
          } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "swap limit not set in {0}: {1}", dir, e);
          }
        }
      }
      case "pids" -> CgroupFiles.write(dir.resolve("pids.max"), Integer.toString(limits.pids()));
      case "cpu" -> {
        CgroupFiles.write(dir.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_US));
        CgroupFiles.write(dir.resolve("cpu.cfs_quota_us"), Long.toString(cpuQuotaUs(limits)));
      }
      default -> throw new IllegalArgumentException("unknown controller " + controller);
    }
  }

  /** CPU time per {@link #CPU_PERIOD_US}; the kernel refuses quotas below 1 ms. */
  static long cpuQuotaUs(ResourceLimits limits) {
    return Math.max(1000, Math.round(limits.cpus() * CPU_PERIOD_US));
  }

  @Override
  public List<String> reapOrphans(Predicate<String> isLive) {
    Map<String, List<Path>> byId = new TreeMap<>();
    for (String controller : controllers()) {
      Path label = own(controller).resolve(LABEL);
      if (!Files.isDirectory(label)) {
        continue;
      }
      try (DirectoryStream<Path> children = Files.newDirectoryStream(label, Files::isDirectory)) {
        for (Path child : children) {
          byId.computeIfAbsent(child.getFileName().toString(), k -> new ArrayList<>()).add(child);
        }
      } catch (IOException e) {
        LOG.log(System.Logger.Level.DEBUG, "cannot list {0}: {1}", label, e);
      }
    }
    return Cgroups.reap(byId, isLive);
  }
}
