package dev.corral.nativebackend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.Backend;
import dev.corral.core.EventSink;
import dev.corral.core.SandboxProcess;
import dev.corral.core.SandboxSpec;
import dev.corral.tck.BackendContract;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The backend contract on real bubblewrap, plus the native backend's own teardown guarantees. */
class BubblewrapBackendTest extends BackendContract {
  private Path runtime = Path.of("/nonexistent");

  @Override
  protected void requireBackend() {
    NativeBackends.require();
  }

  @Override
  protected Backend backend() {
    runtime = temp.resolve("runtime");
    return NativeBackends.cold(temp, runtime);
  }

  @Test
  void leavesNothingBehindAfterClose() throws Exception {
    Backend backend = backend();
    SandboxSpec spec = sh("sleep 300 & sleep 300 & echo started; wait").build();
    long pid;
    try (SandboxProcess p = backend.start(spec, EventSink.NONE)) {
      pid = p.pid();
      assertThat(new String(p.stdout().readNBytes(8), StandardCharsets.UTF_8))
          .isEqualTo("started\n");
      try (Stream<Path> running = Files.list(runtime.resolve("native"))) {
        assertThat(running).hasSize(1);
      }
    }
    assertThat(ProcessHandle.of(pid)).isEmpty();
    try (Stream<Path> left = Files.list(runtime.resolve("native"))) {
      assertThat(left).isEmpty();
    }
    assertThat(cgroupDirsOf(spec)).isEmpty();
    assertThat(workspace.resolve(".envrc")).doesNotExist();
    assertThat(workspace.resolve(".vscode")).doesNotExist();
  }

  @Test
  void leavesNothingBehindWhenStartFails() throws IOException {
    Backend backend = backend();
    Files.createSymbolicLink(workspace.resolve(".vscode"), home.resolve(".ssh"));
    SandboxSpec spec = sh("true").build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> backend.start(spec, EventSink.NONE))
        .hasMessageContaining(".vscode is a symbolic link");
    try (Stream<Path> left = Files.list(runtime.resolve("native"))) {
      assertThat(left).isEmpty();
    }
    assertThat(cgroupDirsOf(spec)).isEmpty();
  }

  @Test
  void reapsTheRuntimeDirectoryOfADeadOwner() throws IOException {
    Backend backend = backend();
    Path orphan = Files.createDirectories(runtime.resolve("native/dead-mule-0001"));
    Files.writeString(orphan.resolve("owner"), "999999999 1");
    assertThat(backend.reapOrphans()).anyMatch(s -> s.contains("dead-mule-0001"));
    assertThat(orphan).doesNotExist();
  }

  private static java.util.List<Path> cgroupDirsOf(SandboxSpec spec) throws IOException {
    try (Stream<Path> found =
        Files.find(
            Path.of("/sys/fs/cgroup"),
            8,
            (p, a) -> a.isDirectory() && p.getFileName().toString().contains(spec.id().value()))) {
      return found.toList();
    }
  }
}
