package dev.corral.nativebackend;

import dev.corral.core.ResourceLimits;
import dev.corral.core.SandboxException;
import dev.corral.core.SandboxId;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Launchers started ahead of demand, for long-lived Corral processes (the server, benchmarks) that
 * start many piped sandboxes. A slot is a runtime directory, a cgroup and a {@code /bin/sh} that
 * has already joined the cgroup and waits on its stdin for the path of a launch script; claiming a
 * slot renames its directory and cgroup to the sandbox's name, applies the sandbox's limits and
 * sends the path. The process spawn and the cgroup join leave the start path.
 *
 * <p>Nothing untrusted runs in a slot before it is claimed: the waiting shell is Corral's own.
 * Slots belong to the process that made them (their runtime directory says so), so the reaper
 * removes them after a crash; when their Corral exits, their stdin closes and they exit.
 * Thread-safe.
 */
final class WarmPool implements AutoCloseable {
  /** Name prefix of the runtime directories of slots not yet claimed by a sandbox. */
  static final String SLOT_PREFIX = "warm-";

  private static final System.Logger LOG = System.getLogger(WarmPool.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char READY = 'R';
  private static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofSeconds(5);

  /** A launcher waiting to become a sandbox. */
  record Slot(RunDirectory run, CgroupHandle cgroup, Process process) {}

  private final int size;
  private final java.nio.file.Path runRoot;
  private final Cgroups cgroups;
  private final SeccompFilter seccomp;
  private final ConcurrentLinkedQueue<Slot> ready = new ConcurrentLinkedQueue<>();
  private final AtomicInteger starting = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();

  WarmPool(int size, java.nio.file.Path runRoot, Cgroups cgroups, SeccompFilter seccomp) {
    this.size = size;
    this.runRoot = runRoot;
    this.cgroups = cgroups;
    this.seccomp = seccomp;
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "corral-warm-pool-cleanup"));
    refill();
  }

  /** How many slots are ready to be claimed right now. */
  int readySlots() {
    return ready.size();
  }

  /** A ready slot, if there is one; starts a replacement either way. */
  Optional<Slot> take() {
    Slot slot;
    while ((slot = ready.poll()) != null && !slot.process().isAlive()) {
      discard(slot);
    }
    refill();
    return Optional.ofNullable(slot);
  }

  private void refill() {
    while (!closed.get() && ready.size() + starting.get() < size) {
      starting.incrementAndGet();
      Thread.ofVirtual()
          .name("corral-warm")
          .start(
              () -> {
                try {
                  Slot slot = create();
                  ready.add(slot);
                  if (closed.get() && ready.remove(slot)) {
                    discard(slot);
                  }
                } catch (RuntimeException e) {
                  if (!closed.get()) {
                    LOG.log(System.Logger.Level.WARNING, "cannot start a warm sandbox slot", e);
                  }
                } finally {
                  starting.decrementAndGet();
                }
              });
    }
  }

  private Slot create() {
    SandboxId id = SandboxId.of(SLOT_PREFIX + HexFormat.of().toHexDigits(RANDOM.nextLong()));
    RunDirectory run = RunDirectory.create(runRoot, id);
    CgroupHandle cgroup = null;
    try {
      seccomp.writeTo(run.seccompFile());
      cgroup = cgroups.create(id, ResourceLimits.DEFAULT);
      // The shell reports back once it sits in its cgroups: until then the groups must not be
      // renamed under it, so the slot is not ready before that byte arrives.
      String script =
          LaunchScript.joinCgroups(cgroup.procsFiles())
              + "printf "
              + READY
              + "\nIFS= read -r launch || exit 0\n. \"$launch\"\n";
      ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", script);
      builder.environment().clear();
      builder.environment().putAll(Map.of("PATH", SandboxEnvironment.DEFAULT_PATH));
      Slot slot = new Slot(run, cgroup, Spawner.spawn(builder::start));
      int ready = slot.process().getInputStream().read();
      if (ready != READY || closed.get()) {
        discard(slot);
        throw new SandboxException(
            "warm launcher " + id + " did not start (exit " + slot.process().waitFor() + ")", null);
      }
      return slot;
    } catch (IOException | InterruptedException | RuntimeException e) {
      remove(run, cgroup);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw e instanceof RuntimeException re
          ? re
          : new SandboxException("cannot start a warm launcher: " + e, null, e);
    }
  }

  /** Kills a slot's shell and removes its directory and cgroup. */
  static void discard(Slot slot) {
    slot.process().destroyForcibly();
    remove(slot.run(), slot.cgroup());
  }

  private static void remove(RunDirectory run, @Nullable CgroupHandle cgroup) {
    try {
      if (cgroup != null) {
        cgroup.close();
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot remove cgroup of " + run.id(), e);
    }
    try {
      run.delete();
    } catch (java.io.IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot remove " + run.dir(), e);
    }
  }

  @Override
  public void close() {
    closed.set(true);
    // A slot still being started sees the flag and removes itself; wait for that (bounded), so
    // that nothing of the pool outlives close().
    long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    while (starting.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    Slot slot;
    while ((slot = ready.poll()) != null) {
      discard(slot);
    }
  }
}
