package dev.corral.dockerbackend;

import dev.corral.core.Limit;
import dev.corral.core.ResourceLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The counters of a local container's cgroup, read from the host ({@code /proc/PID/cgroup} of the
 * container's init, cgroup v1 or v2): how often the memory limit OOM-killed a process and how often
 * a fork failed at the pids limit. Absent when the engine is remote or the files are unreadable;
 * the outcome then relies on the engine's own {@code OOMKilled} flag.
 */
final class ContainerCgroup {
  private static final Path ROOT = Path.of("/sys/fs/cgroup");

  private final Optional<Path> memoryEvents;
  private final Optional<Path> pidsEvents;
  private final Optional<Path> cpuUsage;
  private final ResourceLimits limits;

  private ContainerCgroup(
      Optional<Path> memoryEvents,
      Optional<Path> pidsEvents,
      Optional<Path> cpuUsage,
      ResourceLimits limits) {
    this.memoryEvents = memoryEvents;
    this.pidsEvents = pidsEvents;
    this.cpuUsage = cpuUsage;
    this.limits = limits;
  }

  static ContainerCgroup of(long pid, ResourceLimits limits) {
    Optional<Path> memory = Optional.empty();
    Optional<Path> pids = Optional.empty();
    Optional<Path> cpu = Optional.empty();
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"));
      for (String line : lines) {
        String[] parts = line.split(":", 3);
        if (parts.length < 3) {
          continue;
        }
        String path = parts[2].startsWith("/") ? parts[2].substring(1) : parts[2];
        if (parts[1].isEmpty() && parts[0].equals("0")) {
          memory = memory.or(() -> readable(ROOT.resolve(path).resolve("memory.events")));
          pids = pids.or(() -> readable(ROOT.resolve(path).resolve("pids.events")));
          cpu = cpu.or(() -> readable(ROOT.resolve(path).resolve("cpu.stat")));
        } else if (List.of(parts[1].split(",")).contains("memory")) {
          memory = readable(ROOT.resolve("memory").resolve(path).resolve("memory.oom_control"));
        } else if (List.of(parts[1].split(",")).contains("pids")) {
          pids = readable(ROOT.resolve("pids").resolve(path).resolve("pids.events"));
        } else if (List.of(parts[1].split(",")).contains("cpuacct")) {
          cpu = readable(ROOT.resolve(parts[1]).resolve(path).resolve("cpuacct.usage"));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not local, or gone already: no counters
    }
    return new ContainerCgroup(memory, pids, cpu, limits);
  }

  private static Optional<Path> readable(Path file) {
    return Files.isReadable(file) ? Optional.of(file) : Optional.empty();
  }

  /** The limit the sandbox ran into, if any: memory first, since it kills. */
  Optional<LimitHit> limitHit() {
    if (counter(memoryEvents, "oom_kill") > 0) {
      return Optional.of(memoryHit(limits));
    }
    if (counter(pidsEvents, "max") > 0) {
      return Optional.of(pidsHit(limits));
    }
    if (cpuNanos() > limits.cpuTime().toNanos()) {
      return Optional.of(cpuHit(limits));
    }
    return Optional.empty();
  }

  /**
   * CPU time the container used, in nanoseconds: the backstop for runtimes that ignore RLIMIT_CPU
   * (gVisor), where the sandbox's CPU time is its sentry's.
   */
  private long cpuNanos() {
    if (cpuUsage.isEmpty()) {
      return 0;
    }
    try {
      if (cpuUsage.get().getFileName().toString().equals("cpu.stat")) {
        return counter(cpuUsage, "usage_usec") * 1000;
      }
      return Long.parseLong(Files.readString(cpuUsage.get()).strip());
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  static LimitHit pidsHit(ResourceLimits limits) {
    return new LimitHit(Limit.PIDS, "process limit of " + limits.pids() + " reached");
  }

  static LimitHit cpuHit(ResourceLimits limits) {
    return new LimitHit(
        Limit.CPU_TIME, "CPU time limit of " + limits.cpuTime().toSeconds() + "s reached");
  }

  static LimitHit memoryHit(ResourceLimits limits) {
    return new LimitHit(
        Limit.MEMORY,
        "memory limit of " + ResourceLimits.formatSize(limits.memoryBytes()) + " reached");
  }

  private static long counter(Optional<Path> file, String key) {
    if (file.isEmpty()) {
      return 0;
    }
    try {
      for (String line : Files.readAllLines(file.get())) {
        String trimmed = line.strip();
        int space = trimmed.indexOf(' ');
        if (space > 0 && trimmed.substring(0, space).equals(key)) {
          return Long.parseLong(trimmed.substring(space + 1).strip());
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  /** A limit and what happened, without the remedy. */
  record LimitHit(Limit limit, String detail) {}
}
