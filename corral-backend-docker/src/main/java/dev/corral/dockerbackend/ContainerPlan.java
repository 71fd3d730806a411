package dev.corral.dockerbackend;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ulimit;
import com.github.dockerjava.api.model.Volume;
import dev.corral.core.HostPath;
import dev.corral.core.Mount;
import dev.corral.core.NetworkMode;
import dev.corral.core.ResourceLimits;
import dev.corral.core.SandboxSpec;
import dev.corral.core.Stdio;
import dev.corral.core.UsageException;
import dev.corral.core.WorkspaceProtection;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a {@link SandboxSpec} into a hardened container: the host user's uid and gid (never root),
 * no capabilities, no new privileges, Corral's seccomp profile, a read-only root with private tmpfs
 * for {@code /tmp}, {@code /var/tmp}, {@code /run} and the home, memory, pids and CPU limits from
 * cgroups and the rest from rlimits, network {@code none}, never privileged, no engine socket.
 *
 * <p>The workspace is bound at the same path as on the host, so paths in output, errors and diffs
 * agree inside and out. Protected workspace entries are bound read-only over themselves (or over an
 * empty placeholder when absent); hidden host paths that a bind would expose are masked.
 */
final class ContainerPlan {
  /** The uid and gid inside when Corral runs as root and the workspace is root's: never root. */
  static final int FALLBACK_ID = 1000;

  static final String SOCKET_DIR = "/run/corral";

  /**
   * The process rlimit under Podman (per uid on the host, so generous): Podman's default asks for
   * more than a host without CAP_SYS_RESOURCE may set.
   */
  static final long PODMAN_NPROC = 4096;

  private final SandboxSpec spec;
  private final Layout layout;
  private final List<Bind> binds = new ArrayList<>();
  private final List<Path> placeholders = new ArrayList<>();

  /**
   * Where things are for one sandbox.
   *
   * @param home the home directory inside (a private tmpfs)
   * @param uid uid inside
   * @param gid gid inside
   * @param directory the sandbox's directory on the host
   * @param seccomp the seccomp profile (JSON)
   * @param image the image to run (id or reference)
   * @param podman whether the engine is Podman, whose tmpfs mounts take {@code U} instead of {@code
   *     uid=} and {@code gid=} to belong to the sandbox's user
   */
  record Layout(
      String home,
      int uid,
      int gid,
      HostDirectory directory,
      String seccomp,
      String image,
      boolean podman) {
    /**
     * Whether the command waits for one byte on stdin before it runs: Podman attaches only to a
     * started container, and the gate keeps the command from writing before the attach.
     */
    boolean gated() {
      return podman;
    }

    String tmpfsOwner() {
      return podman ? "U" : "uid=" + uid + ",gid=" + gid;
    }
  }

  private ContainerPlan(SandboxSpec spec, Layout layout) {
    this.spec = spec;
    this.layout = layout;
  }

  /** Fills {@code cmd}; returns the placeholders the runtime will create in the workspace. */
  static List<Path> apply(SandboxSpec spec, Layout layout, CreateContainerCmd cmd) {
    ContainerPlan plan = new ContainerPlan(spec, layout);
    return plan.fill(cmd);
  }

  private List<Path> fill(CreateContainerCmd cmd) {
    Path workspace = realPath(spec.workspace().path());
    binds.add(new Bind(workspace.toString(), new Volume(workspace.toString()), AccessMode.rw));
    protectWorkspace(workspace);
    Map<Path, String> exposed = new LinkedHashMap<>();
    exposed.put(workspace, workspace.toString());
    for (Mount mount : spec.mounts()) {
      Path source = mountSource(mount);
      String target = inHome(mount.target().value(), layout.home(), workspace.toString());
      binds.add(
          new Bind(
              source.toString(),
              new Volume(target),
              mount.access() == Mount.Access.READ_ONLY ? AccessMode.ro : AccessMode.rw));
      exposed.put(source, target);
    }
    hideSecrets(exposed);
    if (spec.network() instanceof NetworkMode.Gateway gateway) {
      // A read-only directory of its own around the socket: the sandbox can neither rename it
      // away nor plant its own listener where the forwarder connects.
      Path dir = layout.directory().gatewayDir();
      binds.add(new Bind(dir.toString(), new Volume(SOCKET_DIR), AccessMode.ro));
      binds.add(
          new Bind(
              gateway.socket().toString(),
              new Volume(SOCKET_DIR + "/" + HostDirectory.GATEWAY_SOCKET),
              AccessMode.ro));
    }
    boolean tty = spec.stdio() == Stdio.TTY;
    cmd.withImage(layout.image())
        .withEntrypoint("")
        .withCmd(layout.gated() ? gated(Forwarder.command(spec)) : Forwarder.command(spec))
        .withEnv(ContainerEnvironment.of(spec, layout.home(), layout.uid()))
        .withUser(layout.uid() + ":" + layout.gid())
        .withWorkingDir(workspace.toString())
        .withHostName("corral-" + spec.id().value())
        .withTty(tty)
        .withAttachStdin(true)
        .withAttachStdout(true)
        .withAttachStderr(true)
        .withStdinOpen(true)
        .withStdInOnce(true)
        .withHostConfig(hostConfig());
    return List.copyOf(placeholders);
  }

  /**
   * {@code path} with the host user's home replaced by the sandbox's: they differ when Corral runs
   * as root (the sandbox's home is then {@code /home/corral}), and a path under the home, such as
   * an agent's state directory, means the home of whoever runs. Paths in the workspace, which is
   * bound at its host path, stay as they are.
   */
  static String inHome(String path, String home, String workspace) {
    String host = System.getProperty("user.home");
    if (host == null
        || host.equals(home)
        || host.equals("/")
        || path.equals(workspace)
        || path.startsWith(workspace + "/")
        || workspace.equals(host)
        || host.startsWith(workspace + "/")) {
      return path;
    }
    if (path.equals(host)) {
      return home;
    }
    return path.startsWith(host + "/") ? home + path.substring(host.length()) : path;
  }

  private HostConfig hostConfig() {
    ResourceLimits limits = spec.limits();
    Map<String, String> tmpfs = new LinkedHashMap<>();
    tmpfs.put("/tmp", "rw,nosuid,nodev,mode=1777");
    tmpfs.put("/var/tmp", "rw,nosuid,nodev,mode=1777");
    // Owned by the sandbox's user: the engine copies the image's /run mode over a mode= option.
    tmpfs.put("/run", "rw,nosuid,nodev,mode=0755," + layout.tmpfsOwner());
    tmpfs.put(layout.home(), "rw,nosuid,nodev,mode=0700," + layout.tmpfsOwner());
    long cpuSeconds = Math.max(1, limits.cpuTime().toSeconds());
    HostConfig host =
        HostConfig.newHostConfig()
            .withNetworkMode("none")
            .withPrivileged(false)
            .withCapDrop(Capability.ALL)
            .withSecurityOpts(List.of("no-new-privileges", "seccomp=" + layout.seccomp()))
            .withReadonlyRootfs(true)
            .withInit(true)
            .withTmpFs(tmpfs)
            .withBinds(binds)
            .withMemory(limits.memoryBytes())
            .withMemorySwap(limits.memoryBytes())
            // Under gVisor the host's pids limit counts the sentry's threads, not the sandbox's
            // processes (those are counted by the watcher): only a generous backstop there.
            .withPidsLimit(gvisor() ? Math.max(16384L, limits.pids()) : (long) limits.pids())
            .withIpcMode("private")
            .withUlimits(
                ulimits(
                    List.of(
                        new Ulimit("nofile", (long) limits.openFiles(), (long) limits.openFiles()),
                        new Ulimit(
                            "fsize", (Long) limits.fileSizeBytes(), (Long) limits.fileSizeBytes()),
                        // SIGXCPU at the soft limit; the hard limit a second later kills for sure.
                        new Ulimit("cpu", (Long) cpuSeconds, (Long) (cpuSeconds + 1)))))
            .withAutoRemove(false);
    if (limits.capsCpu()) {
      host.withNanoCPUs(Math.round(limits.cpus() * 1_000_000_000L));
    }
    spec.container().runtime().ifPresent(host::withRuntime);
    if (!gvisor()) {
      // The engine turns IPv6 off in a container without network; on, the loopback-only
      // namespace refuses every IPv6 destination with ENETUNREACH, like IPv4 and like native.
      host.withSysctls(Map.of("net.ipv6.conf.all.disable_ipv6", "0"));
    }
    return host;
  }

  private boolean gvisor() {
    return gvisor(spec);
  }

  /** Whether {@code spec} runs under gVisor, whose kernel differs in the limits it enforces. */
  static boolean gvisor(SandboxSpec spec) {
    return spec.container().runtime().map(r -> r.contains("runsc")).orElse(false);
  }

  /** {@code command} behind a gate that consumes one byte of stdin first. */
  static List<String> gated(List<String> command) {
    List<String> gated =
        new ArrayList<>(
            List.of(
                "/bin/sh",
                "-c",
                "dd bs=1 count=1 of=/dev/null 2>/dev/null; exec \"$@\"",
                "corral-gate"));
    gated.addAll(command);
    return gated;
  }

  /**
   * The rlimits, plus for Podman an explicit process limit ({@link #PODMAN_NPROC}, or this host's
   * hard limit when lower).
   */
  private List<Ulimit> ulimits(List<Ulimit> base) {
    if (!layout.podman()) {
      return base;
    }
    List<Ulimit> all = new ArrayList<>(base);
    long nproc = Math.min(PODMAN_NPROC, hardProcessLimit().orElse(PODMAN_NPROC));
    all.add(new Ulimit("nproc", nproc, nproc));
    return all;
  }

  /** The hard RLIMIT_NPROC of this process, from /proc/self/limits; empty when unlimited. */
  static Optional<Long> hardProcessLimit() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        if (line.startsWith("Max processes")) {
          String[] fields = line.substring("Max processes".length()).strip().split("\\s+", -1);
          return fields.length > 1 && !fields[1].equals("unlimited")
              ? Optional.of(Long.parseLong(fields[1]))
              : Optional.empty();
        }
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * Read-only binds over protected workspace entries, placeholders where they do not exist, and the
   * directories leading to nested ones bound onto themselves (see {@link WorkspaceProtection}).
   * Docker mounts parents before children whatever the order here.
   */
  private void protectWorkspace(Path workspace) {
    for (WorkspaceProtection.Step step : WorkspaceProtection.plan(workspace, spec.filesystem())) {
      Path path = step.path();
      switch (step) {
        case WorkspaceProtection.Pin pin ->
            binds.add(new Bind(path.toString(), new Volume(path.toString()), AccessMode.rw));
        case WorkspaceProtection.ReadOnly readOnly -> readOnly(path, path.toString());
        case WorkspaceProtection.Placeholder placeholder -> {
          placeholders.add(path);
          // An empty read-only directory, also for files (.envrc, corral.toml): nothing can be
          // created in it or replace it (it is a mount point), and git ignores empty directories,
          // so `git add -A` neither fails nor commits an empty placeholder file. Only .git/config,
          // which git never adds, stays an empty file (an empty configuration).
          readOnly(
              placeholder.file() ? layout.directory().emptyFile() : layout.directory().emptyDir(),
              path.toString());
        }
      }
    }
  }

  private void readOnly(Path source, String target) {
    binds.add(new Bind(source.toString(), new Volume(target), AccessMode.ro));
  }

  private static Path mountSource(Mount mount) {
    Path source = mount.source().path();
    if (!Files.exists(source)) {
      throw new UsageException(
          "mount source does not exist: " + source, "create it or fix the --mount option");
    }
    String target = mount.target().value();
    if (List.of("/", "/usr", "/etc", "/proc", "/dev", "/sys", SOCKET_DIR).contains(target)
        || target.startsWith("/proc/")
        || target.startsWith("/dev/")
        || target.startsWith("/sys/")
        || target.startsWith(SOCKET_DIR + "/")) {
      throw new UsageException(
          "cannot mount over " + target + " inside the sandbox", "choose another target path");
    }
    return realPath(source);
  }

  /**
   * Masks every hidden path that a bind exposes: directories with the empty directory, files with
   * the empty file, both read-only. Symlinked secrets are resolved so that a link cannot smuggle
   * one in under another name.
   */
  private void hideSecrets(Map<Path, String> exposed) {
    List<Path> candidates = new ArrayList<>();
    for (HostPath h : spec.filesystem().hidden()) {
      candidates.add(h.path());
      if (Files.exists(h.path())) {
        candidates.add(realPath(h.path()));
      }
    }
    candidates.addAll(hostKeys());
    for (Path secret : candidates.stream().distinct().toList()) {
      if (!Files.exists(secret, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(secret)) {
        continue;
      }
      for (Map.Entry<Path, String> e : exposed.entrySet()) {
        insideSandbox(secret, e.getKey(), e.getValue())
            .ifPresent(
                p ->
                    readOnly(
                        Files.isDirectory(secret)
                            ? layout.directory().emptyDir()
                            : layout.directory().emptyFile(),
                        p));
      }
    }
  }

  private static Optional<String> insideSandbox(Path secret, Path source, String target) {
    if (!secret.startsWith(source)) {
      return Optional.empty();
    }
    return Optional.of(Path.of(target).resolve(source.relativize(secret)).toString());
  }

  private static List<Path> hostKeys() {
    List<Path> keys = new ArrayList<>();
    Path ssh = Path.of("/etc/ssh");
    if (Files.isDirectory(ssh)) {
      try (DirectoryStream<Path> dir = Files.newDirectoryStream(ssh, "ssh_host_*_key")) {
        dir.forEach(keys::add);
      } catch (IOException e) {
        // nothing to hide if we cannot list it
      }
    }
    return keys;
  }

  static Path realPath(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      throw new UsageException(
          "cannot resolve " + path + ": " + e.getMessage(), "check that it exists and is readable");
    }
  }
}
