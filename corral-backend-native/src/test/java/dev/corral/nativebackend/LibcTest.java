package dev.corral.nativebackend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.SandboxException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LibcTest {
  private static final int SIGKILL = 9;
  private static final int SIGTERM = 15;

  @Test
  void killsARunningChild() throws Exception {
    Process sleep = new ProcessBuilder("sleep", "30").start();
    try {
      Libc.kill(sleep.pid(), SIGTERM);

      assertThat(sleep.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(sleep.exitValue()).isEqualTo(128 + SIGTERM);
    } finally {
      sleep.destroyForcibly();
    }
  }

  @Test
  void killOfAnExitedProcessIsNotAnError() throws Exception {
    Process done = new ProcessBuilder("true").start();
    done.waitFor();

    Libc.kill(done.pid(), SIGKILL);
  }

  @Test
  void killWithAnInvalidSignalNamesTheError() throws Exception {
    Process sleep = new ProcessBuilder("sleep", "30").start();
    try {
      assertThatThrownBy(() -> Libc.kill(sleep.pid(), 12345))
          .isInstanceOf(SandboxException.class)
          .hasMessage("kill(" + sleep.pid() + ", 12345) failed: EINVAL (22)");
    } finally {
      sleep.destroyForcibly();
    }
  }

  @Test
  void reportsTheSameIdentityAsId() throws Exception {
    assertThat(Libc.geteuid()).isEqualTo(Integer.parseInt(run("id", "-u")));
    assertThat(Libc.getegid()).isEqualTo(Integer.parseInt(run("id", "-g")));
  }

  private static String run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).isZero();
    return out.strip();
  }
}
