package dev.corral.nativebackend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corral.core.Check;
import dev.corral.core.Limit;
import dev.corral.core.ResourceLimits;
import dev.corral.core.SandboxException;
import dev.corral.core.SandboxId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs real processes in real cgroups of this host. */
class CgroupsTest {
  private static final ResourceLimits SMALL =
      ResourceLimits.DEFAULT
          .withMemoryBytes(ResourceLimits.parseSize("64m"))
          .withPids(32)
          .withCpus(1);

  private Cgroups cgroups = new NoCgroups("not detected yet", "");
  private final ArrayList<Process> processes = new ArrayList<>();
  private final ArrayList<CgroupHandle> handles = new ArrayList<>();

  @BeforeEach
  void requireCgroups() {
    cgroups = usableCgroups();
  }

  @AfterEach
  void cleanUp() {
    processes.forEach(Process::destroyForcibly);
    handles.forEach(CgroupHandle::close);
  }

  /** Cgroups this host lets us write; skips locally without them, fails in CI. */
  static Cgroups usableCgroups() {
    Cgroups detected = Cgroups.detect();
    if (detected instanceof NoCgroups(String reason, String fix)) {
      if ("true".equals(System.getenv("CI"))) {
        fail("cgroups are required in CI: " + reason + "; " + fix);
      }
      assumeTrue(false, "no writable cgroups: " + reason);
    }
    return detected;
  }

  private static SandboxId freshId() {
    return SandboxId.of(
        "test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
  }

  private CgroupHandle create(SandboxId id, ResourceLimits limits) {
    CgroupHandle handle = cgroups.create(id, limits);
    handles.add(handle);
    return handle;
  }

  /** Starts a command the way the launcher does: join the groups, then exec. */
  private Process startIn(CgroupHandle handle, String command) throws IOException {
    String join =
        handle.procsFiles().stream()
            .map(f -> "echo $$ > '" + f + "'; ")
            .collect(Collectors.joining());
    Process process =
        new ProcessBuilder("/bin/sh", "-c", join + "exec " + command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    processes.add(process);
    return process;
  }

  private static <T> Optional<T> await(Supplier<Optional<T>> probe, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<T> value = probe.get();
      if (value.isPresent()) {
        return value;
      }
      Thread.sleep(20);
    }
    return probe.get();
  }

  @Test
  void probeReportsTheCgroupVersionInUse() {
    Check check = cgroups.probe();

    assertThat(check.status()).isEqualTo(Check.Status.OK);
    assertThat(check.detail()).matches("v1 memory,pids.*|v2 delegated at .*");
  }

  @Test
  void killsProcessAllocatingPastMemoryLimitAndReportsMemory() throws Exception {
    CgroupHandle handle = create(freshId(), SMALL);

    // tail keeps the whole newline-free stream in memory.
    Process process = startIn(handle, "sh -c 'head -c 600m /dev/zero | tail'");

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isNotZero();
    assertThat(handle.limitHit())
        .hasValueSatisfying(
            hit -> {
              assertThat(hit.limit()).isEqualTo(Limit.MEMORY);
              assertThat(hit.detail())
                  .isEqualTo("memory limit 64m reached; the kernel killed the process");
            });
  }

  @Test
  void refusesForksPastPidsLimitAndKillAllEmptiesTheGroup() throws Exception {
    CgroupHandle handle = create(freshId(), SMALL);

    startIn(handle, "sh -c 'for i in $(seq 200); do sleep 30 & done; wait'");

    Optional<LimitHit> hit = await(handle::limitHit, Duration.ofSeconds(20));
    assertThat(hit)
        .hasValueSatisfying(
            h -> {
              assertThat(h.limit()).isEqualTo(Limit.PIDS);
              assertThat(h.detail())
                  .isEqualTo(
                      "process count limit 32 reached; the kernel refused to start more"
                          + " processes");
            });
    assertThat(handle.processCount()).isPositive().isLessThanOrEqualTo(32);

    handle.killAll();

    assertThat(handle.processCount()).isZero();
  }

  @Test
  void reportsNoLimitHitForProcessWithinLimits() throws Exception {
    CgroupHandle handle = create(freshId(), SMALL);

    Process process = startIn(handle, "sh -c 'head -c 1m /dev/zero | wc -c'");

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    assertThat(handle.limitHit()).isEmpty();
  }

  @Test
  void closeKillsRunningProcessesAndLeavesNoDirectoryBehind() throws Exception {
    CgroupHandle handle = create(freshId(), SMALL);
    Process process = startIn(handle, "sleep 60");
    await(() -> Optional.of(handle.processCount()).filter(n -> n > 0), Duration.ofSeconds(5));
    assertThat(handle.groups()).isNotEmpty().allMatch(Files::isDirectory);

    handle.close();

    assertThat(handle.groups()).noneMatch(Files::exists);
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void createThenCloseWithoutProcessesLeavesNoDirectoryBehind() {
    CgroupHandle handle = create(freshId(), SMALL);
    List<Path> groups = handle.groups();

    handle.close();
    handle.close();

    assertThat(groups).noneMatch(Files::exists);
  }

  @Test
  void refusesSecondSandboxWithSameIdAndKeepsTheFirstOnesGroups() {
    SandboxId id = freshId();
    CgroupHandle first = create(id, SMALL);

    assertThatThrownBy(() -> cgroups.create(id, SMALL))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("already exists for sandbox " + id);
    assertThat(first.groups()).isNotEmpty().allMatch(Files::isDirectory);
  }

  @Test
  void reapOrphansRemovesGroupOfDeadSandboxAndKeepsLiveOne() throws Exception {
    SandboxId live = freshId();
    SandboxId dead = freshId();
    CgroupHandle liveHandle = create(live, SMALL);
    CgroupHandle deadHandle = create(dead, SMALL);
    Process orphan = startIn(deadHandle, "sleep 60");
    await(() -> Optional.of(deadHandle.processCount()).filter(n -> n > 0), Duration.ofSeconds(5));

    // Only our dead sandbox counts as not live, so groups of other runs on this host survive.
    List<String> report = cgroups.reapOrphans(id -> !id.equals(dead.value()));

    assertThat(report)
        .singleElement()
        .asString()
        .startsWith("removed orphan cgroup of sandbox " + dead + " (1 processes killed)");
    assertThat(deadHandle.groups()).noneMatch(Files::exists);
    assertThat(liveHandle.groups()).isNotEmpty().allMatch(Files::isDirectory);
    assertThat(orphan.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }
}
