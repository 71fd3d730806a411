package dev.corral.nativebackend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corral.nativebackend.BareBwrap.Result;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks from inside a real bubblewrap sandbox under the standard filter. Where the attack works
 * in the same sandbox without the filter, the test shows that too, so it is the filter that stops
 * it.
 */
class SeccompAttackTest {
  private static final String PYTHON = HostRequirement.PYTHON.toString();

  /** x86_64 syscall numbers of what the filter must deny with EPERM. */
  private static final Map<String, Integer> X86_64_DENIED = deniedOnX8664();

  private static final String RAW_SYSCALLS =
      """
      import ctypes, sys
      libc = ctypes.CDLL(None, use_errno=True)
      libc.syscall.restype = ctypes.c_long
      for arg in sys.argv[1:]:
          name, number = arg.split(":")
          ctypes.set_errno(0)
          zero = ctypes.c_long(0)
          r = libc.syscall(ctypes.c_long(int(number)), zero, zero, zero, zero, zero)
          print(name, ctypes.get_errno() if r == -1 else "ok")
      """;

  private static final String PTRACE_ATTACH =
      """
      import ctypes, os, time
      libc = ctypes.CDLL(None, use_errno=True)
      child = os.fork()
      if child == 0:
          time.sleep(30)
          os._exit(0)
      r = libc.ptrace(16, child, 0, 0)  # PTRACE_ATTACH
      print("attach", r, ctypes.get_errno())
      os.kill(child, 9)
      """;

  private static final String KEYCTL =
      """
      import ctypes
      libc = ctypes.CDLL(None, use_errno=True)
      libc.syscall.restype = ctypes.c_long
      # keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, create)
      r = libc.syscall(250, 0, ctypes.c_long(-3), 1)
      print("keyctl", r, ctypes.get_errno())
      """;

  private static final String FORK_AND_THREADS =
      """
      import os, subprocess, threading
      results = []
      workers = [threading.Thread(target=lambda: results.append(1)) for _ in range(4)]
      for w in workers: w.start()
      for w in workers: w.join()
      child = os.fork()
      if child == 0:
          os._exit(7)
      _, status = os.waitpid(child, 0)
      out = subprocess.run(["echo", "from-child"], capture_output=True, text=True).stdout.strip()
      print("threads", len(results), "fork", os.WEXITSTATUS(status), out)
      """;

  @TempDir static Path dir;
  private static Path filter = Path.of("unset");

  @BeforeAll
  static void writeFilter() {
    HostRequirement.requireExecutable(HostRequirement.BWRAP);
    filter = dir.resolve("seccomp.bpf");
    SeccompFilter.standard().writeTo(filter);
  }

  @Test
  void deniesNestedUserNamespace() throws Exception {
    assertThat(unfiltered("unshare", "-U", "true").exitCode()).isZero();

    Result result = filtered("unshare", "-U", "true");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("Operation not permitted");
  }

  @Test
  void deniesNestedUserNamespaceWithMappedRoot() throws Exception {
    assertThat(unfiltered("unshare", "-r", "true").exitCode()).isZero();

    Result result = filtered("unshare", "-r", "true");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("Operation not permitted");
  }

  @Test
  void deniesPtraceAttachToAnotherProcess() throws Exception {
    HostRequirement.requireExecutable(HostRequirement.PYTHON);
    assertThat(unfiltered(PYTHON, "-c", PTRACE_ATTACH).output()).contains("attach 0 0");

    assertThat(filtered(PYTHON, "-c", PTRACE_ATTACH).output()).contains("attach -1 1");
  }

  @Test
  void deniesTracingWithStrace() throws Exception {
    HostRequirement.requireExecutable(Path.of("/usr/bin/strace"));
    assertThat(unfiltered("strace", "-f", "-o", "/dev/null", "true").exitCode()).isZero();

    Result result = filtered("strace", "-f", "-o", "/dev/null", "true");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).contains("Operation not permitted");
  }

  @Test
  void deniesKernelKeyringAccess() throws Exception {
    HostRequirement.requireExecutable(HostRequirement.PYTHON);
    assertThat(unfiltered(PYTHON, "-c", KEYCTL).output()).doesNotContain("keyctl -1 1");

    assertThat(filtered(PYTHON, "-c", KEYCTL).output()).contains("keyctl -1 1");
  }

  @Test
  void deniesMountEvenWithCapSysAdmin() throws Exception {
    List<String> withAdmin = List.of("--cap-add", "CAP_SYS_ADMIN");
    String[] mount = {"mount", "-t", "tmpfs", "none", "/tmp"};
    assertThat(BareBwrap.run(Optional.empty(), withAdmin, mount).exitCode()).isZero();

    Result result = BareBwrap.run(Optional.of(filter), withAdmin, mount);

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.output()).containsIgnoringCase("permission denied");
  }

  @Test
  void deniesEveryRequiredSyscallWithEpermAndClone3WithEnosys() throws Exception {
    HostRequirement.requireExecutable(HostRequirement.PYTHON);
    assumeTrue("amd64".equals(System.getProperty("os.arch")), "syscall numbers are for x86_64");
    List<String> args = new ArrayList<>(List.of(PYTHON, "-c", RAW_SYSCALLS));
    X86_64_DENIED.forEach((name, number) -> args.add(name + ":" + number));
    args.add("clone3:435");

    Result result = filtered(args.toArray(String[]::new));

    List<String> expected = new ArrayList<>();
    X86_64_DENIED.keySet().forEach(name -> expected.add(name + " 1"));
    expected.add("clone3 38");
    assertThat(result.output().lines()).containsExactlyElementsOf(expected);
  }

  @Test
  void runsOrdinaryCommands() throws Exception {
    Result echo = filtered("sh", "-c", "echo ok");
    Result list = filtered("ls", "/");

    assertThat(echo.exitCode()).isZero();
    assertThat(echo.output()).isEqualTo("ok\n");
    assertThat(list.exitCode()).isZero();
    assertThat(list.output().lines()).contains("usr", "etc");
  }

  @Test
  void allowsForkThreadsAndPipelines() throws Exception {
    HostRequirement.requireExecutable(HostRequirement.PYTHON);

    Result python = filtered(PYTHON, "-c", FORK_AND_THREADS);
    Result shell = filtered("sh", "-c", "(echo sub) | cat; echo done &\nwait");

    assertThat(python.output()).isEqualTo("threads 4 fork 7 from-child\n");
    assertThat(shell.output().lines()).containsExactlyInAnyOrder("sub", "done");
  }

  private static Result filtered(String... command) throws IOException, InterruptedException {
    return BareBwrap.run(Optional.of(filter), List.of(), command);
  }

  private static Result unfiltered(String... command) throws IOException, InterruptedException {
    return BareBwrap.run(Optional.empty(), List.of(), command);
  }

  private static Map<String, Integer> deniedOnX8664() {
    Map<String, Integer> numbers = new LinkedHashMap<>();
    numbers.put("ptrace", 101);
    numbers.put("process_vm_readv", 310);
    numbers.put("process_vm_writev", 311);
    numbers.put("keyctl", 250);
    numbers.put("add_key", 248);
    numbers.put("request_key", 249);
    numbers.put("bpf", 321);
    numbers.put("perf_event_open", 298);
    numbers.put("userfaultfd", 323);
    numbers.put("io_uring_setup", 425);
    numbers.put("io_uring_enter", 426);
    numbers.put("io_uring_register", 427);
    numbers.put("mount", 165);
    numbers.put("umount2", 166);
    numbers.put("pivot_root", 155);
    numbers.put("open_tree", 428);
    numbers.put("move_mount", 429);
    numbers.put("fsopen", 430);
    numbers.put("fsconfig", 431);
    numbers.put("fsmount", 432);
    numbers.put("fspick", 433);
    numbers.put("mount_setattr", 442);
    numbers.put("kexec_load", 246);
    numbers.put("kexec_file_load", 320);
    numbers.put("init_module", 175);
    numbers.put("finit_module", 313);
    numbers.put("delete_module", 176);
    numbers.put("setns", 308);
    return numbers;
  }
}
