package dev.corral.nativebackend;

import dev.corral.core.Limit;
import dev.corral.core.ResourceLimits;
import dev.corral.core.SandboxException;
import dev.corral.core.SandboxId;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * The cgroups of one sandbox: one directory per v1 hierarchy, or one v2 directory, or none when the
 * host gives Corral no cgroups (then limits are rlimits only and every method here is a no-op).
 *
 * <p>The launcher script writes its own pid into every {@link #procsFiles() procs file} before it
 * execs the sandbox, so everything the sandbox starts is accounted and limited from its first
 * instruction.
 *
 * <p>Ownership: whoever {@linkplain Cgroups#create created} the handle closes it, after the sandbox
 * has ended. {@link #close()} kills what is left and removes the directories; it is idempotent.
 * Thread-safety: all methods may be called from any thread, also concurrently; they only read and
 * write kernel files.
 */
final class CgroupHandle implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(CgroupHandle.class.getName());
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REMOVE_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration POLL = Duration.ofMillis(2);

  private final SandboxId id;
  private final List<Path> groups;
  private final @Nullable Counters counters;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Where the kernel counts limit hits, and the limits it enforces (for the message). */
  record Counters(Path memoryFile, String memoryKey, Path pidsEvents, long memoryBytes, int pids) {}

  private CgroupHandle(SandboxId id, List<Path> groups, @Nullable Counters counters) {
    this.id = id;
    this.groups = List.copyOf(groups);
    this.counters = counters;
  }

  /** A handle without cgroups, for hosts where Corral falls back to rlimits. */
  static CgroupHandle none(SandboxId id) {
    return new CgroupHandle(id, List.of(), null);
  }

  /** A handle for v1 groups, one per hierarchy; memory and pids must be among them. */
  static CgroupHandle v1(
      SandboxId id, List<Path> groups, Path memory, Path pids, ResourceLimits l) {
    return new CgroupHandle(
        id,
        groups,
        new Counters(
            memory.resolve("memory.oom_control"),
            "oom_kill",
            pids.resolve("pids.events"),
            l.memoryBytes(),
            l.pids()));
  }

  /** A handle for one v2 group. */
  static CgroupHandle v2(SandboxId id, Path group, ResourceLimits l) {
    return new CgroupHandle(
        id,
        List.of(group),
        new Counters(
            group.resolve("memory.events"),
            "oom_kill",
            group.resolve("pids.events"),
            l.memoryBytes(),
            l.pids()));
  }

  /** A handle that only knows the groups, for removing orphans. */
  static CgroupHandle forRemoval(SandboxId id, List<Path> groups) {
    return new CgroupHandle(id, groups, null);
  }

  SandboxId id() {
    return id;
  }

  /** The group directories, one per v1 hierarchy or a single v2 group. */
  List<Path> groups() {
    return groups;
  }

  /** The files the launcher writes its pid into, in order; empty without cgroups. */
  List<Path> procsFiles() {
    return groups.stream().map(g -> g.resolve("cgroup.procs")).toList();
  }

  /**
   * Which limit the kernel enforced, read from its own counters; may be called while the sandbox
   * runs or after it ended (but before {@link #close()}). A memory kill is reported before a
   * refused fork because it is what ended the sandbox.
   */
  Optional<LimitHit> limitHit() {
    Counters c = counters;
    if (c == null) {
      return Optional.empty();
    }
    if (memoryEvents(c) > 0) {
      return Optional.of(
          new LimitHit(
              Limit.MEMORY,
              "memory limit %s reached; the kernel killed the process"
                  .formatted(ResourceLimits.formatSize(c.memoryBytes()))));
    }
    if (CgroupFiles.keyed(c.pidsEvents(), "max").orElse(0) > 0) {
      return Optional.of(
          new LimitHit(
              Limit.PIDS,
              "process count limit %d reached; the kernel refused to start more processes"
                  .formatted(c.pids())));
    }
    return Optional.empty();
  }

  private static long memoryEvents(Counters c) {
    OptionalLong kills = CgroupFiles.keyed(c.memoryFile(), c.memoryKey());
    if (kills.isPresent()) {
      return kills.getAsLong();
    }
    // Kernels before 4.13 have no oom_kill counter in v1; failcnt counts hits of the limit.
    Path failcnt = c.memoryFile().resolveSibling("memory.failcnt");
    String text = CgroupFiles.text(failcnt);
    return text.matches("\\d+") ? Long.parseLong(text) : 0;
  }

  /** How many processes are in the sandbox's groups right now. */
  int processCount() {
    return livePids().size();
  }

  private Set<Long> livePids() {
    Set<Long> pids = new LinkedHashSet<>();
    for (Path procs : procsFiles()) {
      pids.addAll(CgroupFiles.pids(procs));
    }
    pids.remove(ProcessHandle.current().pid());
    return pids;
  }

  /**
   * Kills every process in the groups with SIGKILL, repeating until the groups are empty, so that
   * processes forked meanwhile die too. Uses {@code cgroup.kill} where the kernel has it.
   *
   * @throws SandboxException when processes are still alive after a few seconds
   */
  void killAll() {
    for (Path group : groups) {
      Path kill = group.resolve("cgroup.kill");
      if (Files.exists(kill)) {
        try {
          CgroupFiles.write(kill, "1");
        } catch (IOException e) {
          LOG.log(System.Logger.Level.DEBUG, "cgroup.kill failed in {0}: {1}", group, e);
        }
      }
    }
    long deadline = System.nanoTime() + KILL_TIMEOUT.toNanos();
    Set<Long> pids = livePids();
    while (!pids.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new SandboxException(
            "could not kill %d processes of sandbox %s within %ds (pids %s)"
                .formatted(pids.size(), id, KILL_TIMEOUT.toSeconds(), pids),
            "kill them with `kill -9 "
                + String.join(" ", pids.stream().map(String::valueOf).toList())
                + "`, then run `corral rm "
                + id
                + "`");
      }
      pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      pause();
      pids = livePids();
    }
  }

  /**
   * Kills what is left and removes every group directory. Tries all of them even when one fails;
   * the first failure is thrown, the later ones are suppressed in it.
   *
   * @throws SandboxException when a process survived or a directory could not be removed
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<RuntimeException> failures = new ArrayList<>();
    try {
      killAll();
    } catch (RuntimeException e) {
      failures.add(e);
    }
    for (Path group : groups) {
      try {
        remove(group);
      } catch (IOException e) {
        failures.add(
            new SandboxException(
                "could not remove cgroup " + group + " of sandbox " + id + ": " + e.getMessage(),
                "remove it with `rmdir " + group + "` once its processes have ended",
                e));
      }
    }
    if (!failures.isEmpty()) {
      RuntimeException first = failures.getFirst();
      failures.stream().skip(1).forEach(first::addSuppressed);
      throw first;
    }
  }

  /** Removes a group, waiting briefly while killed processes finish exiting (EBUSY). */
  private static void remove(Path group) throws IOException {
    long deadline = System.nanoTime() + REMOVE_TIMEOUT.toNanos();
    while (true) {
      try {
        Files.deleteIfExists(group);
        return;
      } catch (FileSystemException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        pause();
      }
    }
  }

  private static void pause() {
    try {
      Thread.sleep(POLL);
    } catch (InterruptedException e) {
      // Teardown must finish; keep the interrupt for the caller.
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "CgroupHandle[" + id + " " + groups + "]";
  }
}
