package dev.corral.dockerbackend;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Corral's seccomp profiles, passed to the engine with each container.
 *
 * <p>{@code seccomp.json} (runc, and any runtime but gVisor) is an allowlist: Podman's default
 * profile from containers-common (the same lineage as Docker's default), minus ptrace,
 * process_vm_*, keyrings, bpf, perf_event_open, userfaultfd, io_uring, mount and the new mount API,
 * unshare, setns, pivot_root, chroot, kexec, module loading, clock setting, and with {@code clone}
 * allowed only without namespace flags (as in Docker's default) and {@code clone3} answering ENOSYS
 * so that libc falls back to {@code clone}. Unknown syscalls fail with ENOSYS.
 *
 * <p>{@code seccomp-gvisor.json} (runsc) denies the same syscalls and namespace flags, but allows
 * everything else: gVisor's own kernel implements the syscalls, so this layer only matters for
 * behaviour, and this runsc build mis-applies allowlist profiles (poll fails with EPERM).
 */
final class Seccomp {
  private final String standard = load("seccomp.json");
  private final String gvisor = load("seccomp-gvisor.json");

  /** The profile for {@code runtime} (empty: the engine's default runtime). */
  String profile(String runtime) {
    return runtime.contains("runsc") || runtime.contains("gvisor") ? gvisor : standard;
  }

  private static String load(String name) {
    try (InputStream in = Seccomp.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " missing from the docker backend");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
