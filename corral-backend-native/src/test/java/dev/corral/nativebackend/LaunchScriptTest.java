package dev.corral.nativebackend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.ResourceLimits;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LaunchScriptTest {
  @Test
  void quotesEveryWordForTheShell() {
    assertThat(LaunchScript.quote("it's")).isEqualTo("'it'\\''s'");
  }

  @Test
  void joinsCgroupsBeforeExecingBubblewrapWithTheFilterOnFd3() {
    String script =
        LaunchScript.render(
            List.of(Path.of("/sys/fs/cgroup/pids/corral/x/cgroup.procs")),
            ResourceLimits.DEFAULT.withOpenFiles(64),
            false,
            Path.of("/run/x/seccomp.bpf"),
            List.of("/usr/bin/bwrap", "--", "echo", "a b"));
    assertThat(script)
        .startsWith("echo $$ > '/sys/fs/cgroup/pids/corral/x/cgroup.procs' || ")
        .contains("ulimit -n 64 ")
        .endsWith("exec '/usr/bin/bwrap' '--' 'echo' 'a b' 3< '/run/x/seccomp.bpf'");
  }
}
