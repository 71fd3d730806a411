package dev.corral.nativebackend;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.corral.core.Check;
import dev.corral.core.CorralException;
import dev.corral.core.EnvironmentException;
import dev.corral.core.SandboxException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The seccomp filter every native sandbox runs under, compiled to a classic BPF program with
 * libseccomp (through the FFM API) for bubblewrap's {@code --seccomp FD}.
 *
 * <p>Everything is allowed except the syscalls that let a process escape or attack its sandbox or
 * the host: debugging other processes, kernel keyrings, eBPF, perf, userfaultfd, io_uring, mounts,
 * kexec, kernel modules, joining namespaces, and creating user namespaces (clone and unshare with
 * {@code CLONE_NEWUSER}). These fail with {@code EPERM}. {@code clone3} fails with {@code ENOSYS}
 * because its flags sit in a struct a filter cannot read; the C library then falls back to {@code
 * clone}, whose flags the filter does check. The action for a foreign architecture stays
 * libseccomp's default, kill: on x86_64 a thread entering through the 32-bit ABI ({@code int 0x80})
 * or the x32 ABI is killed, because syscall numbers differ there and the rules would not apply.
 *
 * <p>Failures: {@link #standard} throws {@link EnvironmentException} with a fix when libseccomp is
 * missing or cannot resolve a syscall the filter must deny; syscalls that do not exist on this
 * architecture and are merely hardening are left out. {@link #probe} reports the same as a {@link
 * Check} and never throws.
 *
 * <p>Thread-safety: instances are immutable. The standard filter is compiled once per JVM, under a
 * lock, and shared; a failed compilation is retried on the next call.
 */
final class SeccompFilter {
  static final String CHECK_NAME = "seccomp";

  private static final long CLONE_NEWUSER = 0x10000000L;
  private static final long UNCONDITIONAL = 0;

  /** Denied with EPERM; if libseccomp cannot resolve one, the sandbox must not start. */
  private static final List<String> REQUIRED =
      List.of(
          "ptrace",
          "process_vm_readv",
          "process_vm_writev",
          "keyctl",
          "add_key",
          "request_key",
          "bpf",
          "perf_event_open",
          "userfaultfd",
          "io_uring_setup",
          "io_uring_enter",
          "io_uring_register",
          "mount",
          "umount2",
          "pivot_root",
          "move_mount",
          "open_tree",
          "fsopen",
          "fsmount",
          "fsconfig",
          "fspick",
          "mount_setattr",
          "kexec_load",
          "kexec_file_load",
          "init_module",
          "finit_module",
          "delete_module",
          "setns");

  /** Denied with EPERM where this architecture has them: host administration, old interfaces. */
  private static final List<String> HARDENING =
      List.of(
          "acct",
          "swapon",
          "swapoff",
          "reboot",
          "settimeofday",
          "clock_settime",
          "clock_adjtime",
          "adjtimex",
          "lookup_dcookie",
          "name_to_handle_at",
          "open_by_handle_at",
          "quotactl",
          "syslog",
          "vhangup",
          "iopl",
          "ioperm",
          "uselib",
          "nfsservctl",
          "_sysctl");

  private static final List<Rule> RULES =
      Stream.of(
              REQUIRED.stream().map(name -> Rule.deny(name, true)),
              Stream.of(
                  new Rule("clone", Libc.EPERM, CLONE_NEWUSER, true),
                  new Rule("unshare", Libc.EPERM, CLONE_NEWUSER, true),
                  new Rule("clone3", Libc.ENOSYS, UNCONDITIONAL, true)),
              HARDENING.stream().map(name -> Rule.deny(name, false)))
          .flatMap(s -> s)
          .toList();

  private static @Nullable SeccompFilter standard;

  private final byte[] bpf;
  private final List<String> deniedSyscalls;

  private SeccompFilter(byte[] bpf, List<String> deniedSyscalls) {
    this.bpf = bpf;
    this.deniedSyscalls = List.copyOf(deniedSyscalls);
  }

  /**
   * The filter for every native sandbox, compiled on first use.
   *
   * @throws EnvironmentException if libseccomp is missing or cannot compile the filter
   */
  static synchronized SeccompFilter standard() {
    SeccompFilter current = standard;
    if (current == null) {
      current = compile(RULES);
      standard = current;
    }
    return current;
  }

  /**
   * Reports whether libseccomp is usable and the standard filter compiles, for {@code corral
   * doctor}.
   */
  static Check probe() {
    try {
      String version = Libseccomp.load().version();
      int denied = standard().deniedSyscalls().size();
      return Check.ok(CHECK_NAME, "libseccomp " + version + ", " + denied + " syscalls denied");
    } catch (CorralException e) {
      String fix = e.hint().orElse(Libseccomp.INSTALL_HINT);
      return Check.fail(CHECK_NAME, Objects.toString(e.getMessage()), fix);
    }
  }

  /** The compiled program: {@code struct sock_filter} entries in native byte order. A copy. */
  byte[] bpf() {
    return bpf.clone();
  }

  /**
   * The syscalls this filter denies on this architecture, in filter order. {@code clone} and {@code
   * unshare} are denied only with {@code CLONE_NEWUSER}; {@code clone3} fails with {@code ENOSYS};
   * the rest fail with {@code EPERM}.
   */
  List<String> deniedSyscalls() {
    return deniedSyscalls;
  }

  /**
   * Writes the program to {@code file}, replacing it, for {@code bwrap --seccomp FD}.
   *
   * @throws SandboxException if the file cannot be written
   */
  void writeTo(Path file) {
    try {
      Files.write(file, bpf);
    } catch (IOException e) {
      throw new SandboxException(
          "cannot write the seccomp filter to " + file + ": " + e.getMessage(),
          "check that the directory exists and is writable",
          e);
    }
  }

  private static SeccompFilter compile(List<Rule> rules) {
    Libseccomp lib = Libseccomp.load();
    MemorySegment context = lib.init(Libseccomp.ACT_ALLOW);
    if (context.equals(MemorySegment.NULL)) {
      throw new EnvironmentException("seccomp_init failed", Libseccomp.INSTALL_HINT);
    }
    try {
      List<String> denied = new ArrayList<>();
      for (Rule rule : rules) {
        if (add(lib, context, rule)) {
          denied.add(rule.syscall());
        }
      }
      return new SeccompFilter(export(lib, context), denied);
    } finally {
      lib.release(context);
    }
  }

  /** Adds one rule; returns false for a hardening syscall this architecture does not have. */
  private static boolean add(Libseccomp lib, MemorySegment context, Rule rule) {
    // Negative numbers other than NR_SCMP_ERROR are pseudo-numbers for syscalls that exist only
    // on other architectures.
    int number = lib.resolveName(rule.syscall());
    if (number < 0) {
      if (rule.required()) {
        throw new EnvironmentException(
            "libseccomp "
                + lib.version()
                + " cannot resolve syscall "
                + rule.syscall()
                + " on "
                + System.getProperty("os.arch"),
            "update libseccomp2 to a release that knows " + rule.syscall());
      }
      return false;
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment comparisons = MemorySegment.NULL;
      int count = 0;
      if (rule.flagsMask() != UNCONDITIONAL) {
        comparisons = flagsContain(arena, rule.flagsMask());
        count = 1;
      }
      int result = lib.ruleAdd(context, actErrno(rule.errno()), number, count, comparisons);
      if (result < 0) {
        throw new EnvironmentException(
            "seccomp_rule_add for " + rule.syscall() + " failed: " + Libc.describe(-result),
            Libseccomp.INSTALL_HINT);
      }
    }
    return true;
  }

  /** Argument 0 (the flags of clone and unshare on x86_64 and arm64) has every bit of mask set. */
  private static MemorySegment flagsContain(Arena arena, long mask) {
    MemorySegment cmp = arena.allocate(Libseccomp.ARG_CMP);
    cmp.set(JAVA_INT, offset("arg"), 0);
    cmp.set(JAVA_INT, offset("op"), Libseccomp.CMP_MASKED_EQ);
    cmp.set(JAVA_LONG, offset("datum_a"), mask);
    cmp.set(JAVA_LONG, offset("datum_b"), mask);
    return cmp;
  }

  private static long offset(String field) {
    return Libseccomp.ARG_CMP.byteOffset(PathElement.groupElement(field));
  }

  private static byte[] export(Libseccomp lib, MemorySegment context) {
    // libseccomp 2.5 exports only to a file descriptor; an in-memory file avoids a temp file.
    int fd = Libc.memfdCreate("corral-seccomp");
    try {
      int result = lib.exportBpf(context, fd);
      if (result < 0) {
        throw new EnvironmentException(
            "seccomp_export_bpf failed: " + Libc.describe(-result), Libseccomp.INSTALL_HINT);
      }
      return Files.readAllBytes(Path.of("/proc/self/fd/" + fd));
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot read the compiled seccomp filter: " + e.getMessage(),
          "check that /proc is mounted",
          e);
    } finally {
      Libc.close(fd);
    }
  }

  /** {@code SCMP_ACT_ERRNO(errno)}. */
  private static int actErrno(int errno) {
    return 0x00050000 | (errno & 0x0000ffff);
  }

  private record Rule(String syscall, int errno, long flagsMask, boolean required) {
    static Rule deny(String syscall, boolean required) {
      return new Rule(syscall, Libc.EPERM, UNCONDITIONAL, required);
    }
  }
}
