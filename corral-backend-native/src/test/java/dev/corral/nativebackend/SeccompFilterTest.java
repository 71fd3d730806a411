package dev.corral.nativebackend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corral.core.Check;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeccompFilterTest {
  /** {@code sizeof(struct sock_filter)}. */
  private static final int INSTRUCTION_BYTES = 8;

  private static final int BPF_LD = 0x00;
  private static final int BPF_W = 0x00;
  private static final int BPF_ABS = 0x20;
  private static final int BPF_JMP = 0x05;
  private static final int BPF_JEQ = 0x10;
  private static final int BPF_K = 0x00;
  private static final int BPF_RET = 0x06;
  private static final int AUDIT_ARCH_X86_64 = 0xc000003e;
  private static final int SECCOMP_RET_KILL_THREAD = 0;

  @Test
  void compilesOnceAndSharesTheProgram() {
    assertThat(SeccompFilter.standard()).isSameAs(SeccompFilter.standard());
  }

  @Test
  void programIsWholeBpfInstructions() {
    byte[] bpf = SeccompFilter.standard().bpf();

    assertThat(bpf.length).isPositive();
    assertThat(bpf.length % INSTRUCTION_BYTES).isZero();
  }

  @Test
  void killsSyscallsFromAForeignArchitecture() {
    assumeTrue("amd64".equals(System.getProperty("os.arch")), "decodes an x86_64 program");
    ByteBuffer bpf = ByteBuffer.wrap(SeccompFilter.standard().bpf()).order(ByteOrder.nativeOrder());
    int count = bpf.limit() / INSTRUCTION_BYTES;

    // ld [4] (seccomp_data.arch); jeq AUDIT_ARCH_X86_64, next, else -> ret SECCOMP_RET_KILL_THREAD
    assertThat(bpf.getShort(0)).isEqualTo((short) (BPF_LD | BPF_W | BPF_ABS));
    assertThat(bpf.getInt(4)).isEqualTo(4);
    assertThat(bpf.getShort(8)).isEqualTo((short) (BPF_JMP | BPF_JEQ | BPF_K));
    assertThat(bpf.getInt(12)).isEqualTo(AUDIT_ARCH_X86_64);
    int mismatch = 2 + Byte.toUnsignedInt(bpf.get(11));
    assertThat(mismatch).isLessThan(count);
    assertThat(bpf.getShort(mismatch * INSTRUCTION_BYTES)).isEqualTo((short) BPF_RET);
    assertThat(bpf.getInt(mismatch * INSTRUCTION_BYTES + 4)).isEqualTo(SECCOMP_RET_KILL_THREAD);
  }

  @Test
  void bpfReturnsACopy() {
    SeccompFilter filter = SeccompFilter.standard();
    byte[] first = filter.bpf();
    first[0] ^= 1;

    assertThat(filter.bpf()).isNotEqualTo(first);
  }

  @Test
  void listsEveryDeniedEscapeSyscall() {
    assertThat(SeccompFilter.standard().deniedSyscalls())
        .contains(
            "ptrace",
            "process_vm_readv",
            "keyctl",
            "bpf",
            "perf_event_open",
            "userfaultfd",
            "io_uring_setup",
            "mount",
            "fsopen",
            "kexec_load",
            "init_module",
            "setns",
            "clone",
            "unshare",
            "clone3",
            "reboot")
        .doesNotHaveDuplicates();
  }

  @Test
  void writesTheProgramToAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("filter.bpf");

    SeccompFilter.standard().writeTo(file);

    assertThat(Files.readAllBytes(file)).isEqualTo(SeccompFilter.standard().bpf());
  }

  @Test
  void probeReportsLibseccompVersion() {
    Check check = SeccompFilter.probe();

    assertThat(check.status()).isEqualTo(Check.Status.OK);
    assertThat(check.name()).isEqualTo("seccomp");
    assertThat(check.detail()).matches("libseccomp 2\\.\\d+\\.\\d+, \\d+ syscalls denied");
  }
}
