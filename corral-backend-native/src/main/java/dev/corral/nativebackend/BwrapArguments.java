package dev.corral.nativebackend;

import dev.corral.core.HostPath;
import dev.corral.core.Mount;
import dev.corral.core.NetworkMode;
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
 * Turns a {@link SandboxSpec} into bubblewrap's command line. Mount order matters to bubblewrap:
 * the system first, then the private tmpfs dirs, the workspace, protected workspace entries, extra
 * mounts; right after each bind, the masks that hide the credentials it exposes.
 *
 * <p>Only directories on an allowlist of system locations are visible; everything else on the host
 * (other users' homes, {@code /root}, {@code /var}, {@code /run} with the Docker socket, {@code
 * /srv}, {@code /mnt}, {@code /media}) does not exist inside.
 */
final class BwrapArguments {
  /** Host directories bound read-only at the same place. */
  static final List<String> SYSTEM_DIRS =
      List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt");

  /** Host files that are secret even though they live in a visible system directory. */
  static final List<String> SYSTEM_SECRETS =
      List.of(
          "/etc/shadow",
          "/etc/shadow-",
          "/etc/gshadow",
          "/etc/gshadow-",
          "/etc/ssl/private",
          "/etc/wireguard",
          "/etc/docker",
          "/etc/containers/auth.json");

  /** The uid and gid inside when Corral runs as root: never root inside. */
  static final int FALLBACK_ID = 1000;

  private final SandboxSpec spec;
  private final Layout layout;
  private final List<String> args = new ArrayList<>();

  /**
   * Where things are on the host for one sandbox.
   *
   * @param home the user's home directory (replaced by a private tmpfs inside)
   * @param emptyDir an empty directory owned by the sandbox's run directory, bound read-only over
   *     absent protected directories
   * @param uid uid inside the sandbox
   * @param gid gid inside the sandbox
   * @param seccompFd the fd bubblewrap reads the seccomp program from, or -1 for none
   */
  record Layout(HostPath home, HostPath emptyDir, int uid, int gid, int seccompFd) {}

  private BwrapArguments(SandboxSpec spec, Layout layout) {
    this.spec = spec;
    this.layout = layout;
  }

  /**
   * The bubblewrap arguments (without the {@code bwrap} itself) and the placeholder paths that
   * bubblewrap will create in the workspace as mount points, which teardown removes again.
   */
  record Result(List<String> args, List<Path> placeholders) {}

  static Result build(SandboxSpec spec, Layout layout, List<String> command) {
    BwrapArguments b = new BwrapArguments(spec, layout);
    List<Path> placeholders = b.assemble(command);
    return new Result(List.copyOf(b.args), List.copyOf(placeholders));
  }

  private List<Path> assemble(List<String> command) {
    namespaces();
    environment();
    system();
    privateDirs();
    Path workspace = realPath(spec.workspace().path());
    add("--bind", workspace.toString(), workspace.toString());
    List<Path> placeholders = protectWorkspace(workspace);
    List<Path> secrets = secrets();
    Map<Path, String> system = new LinkedHashMap<>();
    for (String dir : SYSTEM_DIRS) {
      system.put(Path.of(dir), dir);
    }
    hideSecrets(secrets, system);
    hideSecrets(secrets, Map.of(workspace, workspace.toString()));
    for (Mount mount : spec.mounts()) {
      Path source = mountSource(mount);
      add(
          mount.access() == Mount.Access.READ_ONLY ? "--ro-bind" : "--bind",
          source.toString(),
          mount.target().value());
      // Masked right after the bind that exposes them: a later mount at the same place (an
      // agent's own state bound over the host's ~/.claude in a workspace that is the home) is
      // what the sandbox sees there, but no bind can expose a secret without its mask.
      hideSecrets(secrets, Map.of(source, mount.target().value()));
    }
    if (spec.network() instanceof NetworkMode.Gateway gateway) {
      // A read-only tmpfs of its own around the socket: the sandbox can neither rename the
      // directory away nor plant its own listener where the forwarder connects.
      add("--tmpfs", EgressForwarder.SOCKET_DIR);
      add("--ro-bind", gateway.socket().toString(), EgressForwarder.SOCKET);
      add("--remount-ro", EgressForwarder.SOCKET_DIR);
    }
    // The root is bubblewrap's own tmpfs; nothing but the mounts above belongs there.
    add("--remount-ro", "/");
    add("--chdir", workspace.toString());
    if (layout.seccompFd() >= 0) {
      add("--seccomp", Integer.toString(layout.seccompFd()));
    }
    args.add("--");
    args.addAll(EgressForwarder.enabled(spec) ? EgressForwarder.wrap(command) : command);
    return placeholders;
  }

  private void namespaces() {
    add("--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts");
    add("--unshare-net", "--unshare-cgroup", "--disable-userns");
    add("--die-with-parent", "--cap-drop", "ALL");
    if (spec.stdio() != Stdio.TTY) {
      // A new session detaches the sandbox from the caller's terminal, so TIOCSTI cannot push
      // keystrokes into it. Under TTY the terminal is a private pty that only Corral reads.
      add("--new-session");
    }
    add("--uid", Integer.toString(layout.uid()), "--gid", Integer.toString(layout.gid()));
    add("--hostname", "corral-" + spec.id().value());
  }

  private void environment() {
    add("--clearenv");
    for (Map.Entry<String, String> e : SandboxEnvironment.of(spec, layout).entrySet()) {
      add("--setenv", e.getKey(), e.getValue());
    }
  }

  private void system() {
    for (String dir : SYSTEM_DIRS) {
      Path path = Path.of(dir);
      if (Files.isSymbolicLink(path)) {
        try {
          add("--symlink", Files.readSymbolicLink(path).toString(), dir);
        } catch (IOException e) {
          // unreadable link: leave it out
        }
      } else if (Files.isDirectory(path)) {
        add("--ro-bind", dir, dir);
      }
    }
  }

  private void privateDirs() {
    add("--proc", "/proc", "--dev", "/dev");
    add("--tmpfs", "/tmp", "--dir", "/var", "--tmpfs", "/var/tmp", "--tmpfs", "/run");
    add("--symlink", "/run", "/var/run");
    add("--tmpfs", layout.home().toString());
  }

  /**
   * Read-only binds over protected workspace entries, placeholders where they do not exist, and the
   * directories leading to nested ones bound onto themselves (see {@link WorkspaceProtection}).
   */
  private List<Path> protectWorkspace(Path workspace) {
    List<Path> placeholders = new ArrayList<>();
    for (WorkspaceProtection.Step step : WorkspaceProtection.plan(workspace, spec.filesystem())) {
      String path = step.path().toString();
      switch (step) {
        case WorkspaceProtection.Pin pin -> add("--bind", path, path);
        case WorkspaceProtection.ReadOnly readOnly -> add("--ro-bind", path, path);
        case WorkspaceProtection.Placeholder placeholder -> {
          // Inside .git, which git never adds, an empty configuration (/dev/null); elsewhere an
          // empty read-only directory, also for files (.envrc, corral.toml): nothing can be
          // created in it or replace it (it is a mount point), and git ignores empty directories,
          // so `git add -A` works, where a /dev/null placeholder (a character device) breaks it.
          add("--ro-bind", placeholder.file() ? "/dev/null" : layout.emptyDir().toString(), path);
          placeholders.add(step.path());
        }
      }
    }
    return placeholders;
  }

  private static Path mountSource(Mount mount) {
    Path source = mount.source().path();
    if (!Files.exists(source)) {
      throw new UsageException(
          "mount source does not exist: " + source, "create it or fix the --mount option");
    }
    String target = mount.target().value();
    for (String reserved : List.of("/proc", "/dev", "/", "/usr", "/etc")) {
      if (target.equals(reserved) || target.startsWith("/proc/") || target.startsWith("/dev/")) {
        throw new UsageException(
            "cannot mount over " + target + " inside the sandbox", "choose another target path");
      }
    }
    return realPath(source);
  }

  /** Every hidden path, and where it really is when it is a symbolic link. */
  private List<Path> secrets() {
    List<Path> hidden = new ArrayList<>();
    spec.filesystem().hidden().forEach(h -> hidden.add(h.path()));
    SYSTEM_SECRETS.forEach(s -> hidden.add(Path.of(s)));
    hidden.addAll(hostKeys());
    List<Path> candidates = new ArrayList<>();
    for (Path h : hidden) {
      if (!Files.exists(h, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      candidates.add(h);
      if (Files.exists(h)) {
        candidates.add(realPath(h));
      }
    }
    return candidates.stream().distinct().toList();
  }

  /**
   * Masks every secret that the binds in {@code exposed} (host source to sandbox target) make
   * visible: directories become an empty read-only tmpfs, files read as {@code /dev/null}.
   * Symlinked secrets are resolved so a link cannot smuggle one in under another name.
   */
  private void hideSecrets(List<Path> secrets, Map<Path, String> exposed) {
    for (Path secret : secrets) {
      for (Map.Entry<Path, String> e : exposed.entrySet()) {
        insideSandbox(secret, e.getKey(), e.getValue()).ifPresent(p -> mask(secret, p));
      }
    }
  }

  private static Optional<String> insideSandbox(Path secret, Path source, String target) {
    if (!secret.startsWith(source)) {
      return Optional.empty();
    }
    Path relative = source.relativize(secret);
    return Optional.of(Path.of(target).resolve(relative).toString());
  }

  private void mask(Path secret, String sandboxPath) {
    if (Files.isDirectory(secret, LinkOption.NOFOLLOW_LINKS)) {
      add("--tmpfs", sandboxPath, "--remount-ro", sandboxPath);
    } else if (!Files.isSymbolicLink(secret)) {
      add("--ro-bind", "/dev/null", sandboxPath);
    }
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

  private void add(String... values) {
    args.addAll(List.of(values));
  }
}
