package dev.corral.nativebackend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.Backend;
import dev.corral.core.EventSink;
import dev.corral.core.SandboxProcess;
import dev.corral.tck.BackendContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole backend contract again, with piped sandboxes started from warm pool slots: a slot's
 * pre-joined cgroup and pre-started launcher must give exactly the same isolation and limits.
 */
class WarmBubblewrapBackendTest extends BackendContract {
  private final NativeBackends.Warm warm = new NativeBackends.Warm();

  @Override
  protected void requireBackend() {
    NativeBackends.require();
  }

  @Override
  protected Backend backend() {
    return warm.get(temp);
  }

  @AfterEach
  void stopPool() throws Exception {
    warm.close();
  }

  @Test
  void startsFromAWarmSlotUnderTheSandboxsOwnName() throws Exception {
    BubblewrapBackend warm = (BubblewrapBackend) backend();
    try (SandboxProcess p = warm.start(sh("cat /proc/self/cgroup").build(), EventSink.NONE)) {
      String cgroups =
          new String(p.stdout().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      List<String> names;
      try (Stream<Path> dirs = Files.list(temp.resolve("runtime/native"))) {
        names = dirs.map(d -> d.getFileName().toString()).toList();
      }
      assertThat(names).anyMatch(n -> !n.startsWith("warm-"));
      assertThat(p.waitFor()).isEqualTo(new dev.corral.core.SandboxOutcome.Exited(0));
      assertThat(cgroups).isNotBlank();
    }
  }
}
