package dev.corral.nativebackend;

import com.pty4j.PtyProcess;
import com.pty4j.PtyProcessBuilder;
import com.pty4j.WinSize;
import dev.corral.core.Backend;
import dev.corral.core.EventSink;
import dev.corral.core.HostPath;
import dev.corral.core.SandboxEvent;
import dev.corral.core.SandboxException;
import dev.corral.core.SandboxProcess;
import dev.corral.core.SandboxSpec;
import dev.corral.core.SandboxSummary;
import dev.corral.core.Stdio;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The native backend: each sandbox is a bubblewrap process tree in fresh user, pid, mount, ipc,
 * uts, network and cgroup namespaces, under a seccomp filter, cgroup limits and rlimits. No daemon:
 * the sandbox lives exactly as long as the Corral process that started it ({@code
 * --die-with-parent}). Thread-safe.
 */
final class BubblewrapBackend implements Backend, AutoCloseable {
  private final Path bwrap;
  private final boolean disableUserns;
  private final Path runRoot;
  private final Cgroups cgroups;
  private final SeccompFilter seccomp;
  private final @Nullable WarmPool pool;

  /**
   * @param warmSlots how many launchers to keep started ahead of demand for piped sandboxes (see
   *     {@link WarmPool}); 0 for none, right for one-shot processes such as {@code corral run}
   */
  BubblewrapBackend(
      Path bwrap,
      boolean disableUserns,
      Path runRoot,
      Cgroups cgroups,
      SeccompFilter seccomp,
      int warmSlots) {
    this.bwrap = bwrap;
    this.disableUserns = disableUserns;
    this.runRoot = runRoot;
    this.cgroups = cgroups;
    this.seccomp = seccomp;
    this.pool = warmSlots > 0 ? new WarmPool(warmSlots, runRoot, cgroups, seccomp) : null;
  }

  @Override
  public String name() {
    return NativeBackendProvider.NAME;
  }

  @Override
  public SandboxProcess start(SandboxSpec spec, EventSink events) {
    long begin = System.nanoTime();
    List<String> command = spec.command().isEmpty() ? loginShell() : spec.command();
    CommandResolver.check(spec);
    EgressForwarder.require(spec);
    Optional<WarmPool.Slot> slot =
        pool != null && spec.stdio() == Stdio.PIPE && !spec.limits().capsCpu()
            ? pool.take()
            : Optional.empty();
    if (slot.isPresent()) {
      NativeSandboxProcess process = startWarm(spec, command, slot.get());
      events.accept(
          new SandboxEvent.Started(
              spec.id(), process.pid(), Duration.ofNanos(System.nanoTime() - begin)));
      return process;
    }
    RunDirectory run = RunDirectory.create(runRoot, spec.id());
    CgroupHandle cgroup = null;
    try {
      seccomp.writeTo(run.seccompFile());
      cgroup = createCgroup(spec, events);
      String script = launchScript(spec, command, run, cgroup.procsFiles());
      NativeSandboxProcess process = launch(spec, script, run, cgroup);
      events.accept(
          new SandboxEvent.Started(
              spec.id(), process.pid(), Duration.ofNanos(System.nanoTime() - begin)));
      return process;
    } catch (RuntimeException e) {
      cleanUp(run, cgroup, e);
      throw e;
    }
  }

  /** Hands a warm slot to the sandbox: it only has to be told what to exec. */
  private NativeSandboxProcess startWarm(
      SandboxSpec spec, List<String> command, WarmPool.Slot slot) {
    RunDirectory run;
    try {
      run = slot.run().renameTo(spec.id());
    } catch (RuntimeException e) {
      WarmPool.discard(slot);
      throw e;
    }
    CgroupHandle cgroup = null;
    try {
      cgroup = cgroups.adopt(slot.cgroup(), spec.id(), spec.limits());
      Path launch = run.writeLaunchScript(launchScript(spec, command, run, List.of()));
      OutputStream stdin = slot.process().getOutputStream();
      stdin.write((launch + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      return new NativeSandboxProcess(
          spec.id(), slot.process(), spec.stdio(), spec.limits(), run, cgroup, null);
    } catch (IOException | RuntimeException e) {
      slot.process().destroyForcibly();
      RuntimeException failure =
          e instanceof RuntimeException re
              ? re
              : new SandboxException(
                  "cannot start sandbox " + spec.id() + ": " + e + diagnose(slot.process()),
                  null,
                  e);
      cleanUp(run, cgroup == null ? slot.cgroup() : cgroup, failure);
      throw failure;
    }
  }

  private static String diagnose(Process process) {
    if (process.isAlive()) {
      return "";
    }
    try {
      return " (warm launcher exited with "
          + process.exitValue()
          + ": "
          + new String(process.getErrorStream().readNBytes(500), StandardCharsets.UTF_8).strip()
          + ")";
    } catch (IOException e) {
      return " (warm launcher exited with " + process.exitValue() + ")";
    }
  }

  private String launchScript(
      SandboxSpec spec, List<String> command, RunDirectory run, List<Path> cgroupProcs) {
    BwrapArguments.Result bwrapArgs = BwrapArguments.build(spec, layout(run), command);
    run.recordPlaceholders(bwrapArgs.placeholders());
    List<String> line = new ArrayList<>();
    line.add(bwrap.toString());
    line.addAll(disableUserns ? bwrapArgs.args() : withoutDisableUserns(bwrapArgs.args()));
    return LaunchScript.render(
        cgroupProcs, spec.limits(), cgroups instanceof NoCgroups, run.seccompFile(), line);
  }

  private CgroupHandle createCgroup(SandboxSpec spec, EventSink events) {
    if (cgroups instanceof NoCgroups) {
      events.accept(
          new SandboxEvent.Warning(
              spec.id(), cgroups.probe().detail() + " (see `corral doctor` for the fix)"));
    }
    return cgroups.create(spec.id(), spec.limits());
  }

  private static void cleanUp(RunDirectory run, @Nullable CgroupHandle cgroup, Exception cause) {
    if (cgroup != null) {
      try {
        cgroup.close();
      } catch (RuntimeException e) {
        cause.addSuppressed(e);
      }
    }
    try {
      run.removePlaceholders();
      run.delete();
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  private BwrapArguments.Layout layout(RunDirectory run) {
    int uid = Libc.geteuid();
    int gid = Libc.getegid();
    return new BwrapArguments.Layout(
        HostPath.of(System.getProperty("user.home")),
        HostPath.of(run.emptyDir()),
        uid == 0 ? BwrapArguments.FALLBACK_ID : uid,
        uid == 0 ? BwrapArguments.FALLBACK_ID : gid,
        LaunchScript.SECCOMP_FD);
  }

  private static List<String> withoutDisableUserns(List<String> args) {
    List<String> copy = new ArrayList<>(args);
    copy.remove("--disable-userns");
    return copy;
  }

  private static List<String> loginShell() {
    return Files.isExecutable(Path.of("/bin/bash"))
        ? List.of("/bin/bash", "-l")
        : List.of("/bin/sh", "-l");
  }

  private NativeSandboxProcess launch(
      SandboxSpec spec, String script, RunDirectory run, @Nullable CgroupHandle cgroup) {
    String[] argv = {"/bin/sh", "-c", script};
    Map<String, String> env = Map.of("PATH", SandboxEnvironment.DEFAULT_PATH, "LC_ALL", "C");
    if (spec.stdio() == Stdio.TTY) {
      PtyProcess pty =
          Spawner.spawn(
              () ->
                  new PtyProcessBuilder(argv)
                      .setEnvironment(env)
                      .setDirectory("/")
                      .setRedirectErrorStream(true)
                      .setInitialColumns(80)
                      .setInitialRows(24)
                      .start());
      BiConsumer<Integer, Integer> resizer = (c, r) -> pty.setWinSize(new WinSize(c, r));
      return new NativeSandboxProcess(
          spec.id(), pty, spec.stdio(), spec.limits(), run, cgroup, resizer);
    }
    ProcessBuilder builder = new ProcessBuilder(argv).directory(Path.of("/").toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    if (spec.stdio() == Stdio.INHERIT) {
      builder.inheritIO();
    }
    Process process = Spawner.spawn(builder::start);
    return new NativeSandboxProcess(
        spec.id(), process, spec.stdio(), spec.limits(), run, cgroup, null);
  }

  /** Ready warm slots (0 without a pool). */
  int readyWarmSlots() {
    return pool == null ? 0 : pool.readySlots();
  }

  /** Stops the warm slots; sandboxes already started are not affected. */
  @Override
  public void close() {
    if (pool != null) {
      pool.close();
    }
  }

  /** Sandboxes with a runtime directory whose owning Corral process still runs. */
  @Override
  public List<SandboxSummary> list() {
    List<SandboxSummary> found = new ArrayList<>();
    for (RunDirectory dir : RunDirectory.list(runRoot)) {
      if (dir.ownerAlive() && !dir.id().value().startsWith(WarmPool.SLOT_PREFIX)) {
        found.add(
            new SandboxSummary(
                dir.id(), name(), "running", dir.created(), Map.of("owner", dir.ownerPid())));
      }
    }
    return found;
  }

  @Override
  public List<String> reapOrphans() {
    List<String> reaped = new ArrayList<>();
    Set<String> dead = new HashSet<>();
    for (RunDirectory dir : RunDirectory.list(runRoot)) {
      if (dir.ownerAlive()) {
        continue;
      }
      dead.add(dir.id().value());
      try {
        dir.removePlaceholders();
        dir.delete();
        reaped.add("runtime directory of sandbox " + dir.id());
      } catch (IOException | RuntimeException e) {
        throw new SandboxException(
            "cannot remove orphaned sandbox directory " + dir.dir() + ": " + e.getMessage(),
            "remove it by hand",
            e);
      }
    }
    // Cgroup directories may be shared with other users' Corral processes (cgroup v1 roots), so
    // only groups of sandboxes known dead here are touched.
    reaped.addAll(cgroups.reapOrphans(id -> !dead.contains(id)));
    return reaped;
  }
}
