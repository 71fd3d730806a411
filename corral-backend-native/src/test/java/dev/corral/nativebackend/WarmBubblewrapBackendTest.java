package dev.corral.nativebackend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.Backend;
import dev.corral.core.EventSink;
import dev.corral.core.SandboxProcess;
import dev.corral.tck.BackendContract;
import dev.corral.tck.Capability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole backend contract again, with piped sandboxes started from warm pool slots: a slot's
 * pre-joined cgroup and pre-started launcher must give exactly the same isolation and limits.
 */
class WarmBubblewrapBackendTest extends BackendContract {
  private @Nullable BubblewrapBackend backend;

  @Override
  protected void requireBackend() {
    var availability = new NativeBackendProvider().probe();
    Capability.require(availability.usable(), "the native backend (" + availability + ")");
  }

  @Override
  protected Backend backend() {
    if (backend == null) {
      Bubblewrap bwrap = Bubblewrap.find().orElseThrow();
      backend =
          new BubblewrapBackend(
              bwrap.path(),
              bwrap.supportsDisableUserns(),
              temp.resolve("runtime/native"),
              Cgroups.detect(),
              SeccompFilter.standard(),
              1);
    }
    awaitWarmSlot(backend);
    return backend;
  }

  private static void awaitWarmSlot(BubblewrapBackend backend) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (backend.readyWarmSlots() == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    assertThat(backend.readyWarmSlots()).as("a warm slot is ready").isPositive();
  }

  @AfterEach
  void stopPool() throws Exception {
    if (backend != null) {
      backend.close();
      try (Stream<Path> left = Files.list(temp.resolve("runtime/native"))) {
        assertThat(left).as("warm slots removed").isEmpty();
      }
    }
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
