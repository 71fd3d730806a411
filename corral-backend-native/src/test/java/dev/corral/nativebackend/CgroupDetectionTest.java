package dev.corral.nativebackend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.Check;
import dev.corral.core.ResourceLimits;
import dev.corral.core.SandboxId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Detection on hosts described by fake {@code /proc} and cgroup files. */
class CgroupDetectionTest {
  @TempDir Path tmp;

  private Path v2Host(String ownGroup) throws IOException {
    Path root = tmp.resolve("cgroup");
    Files.createDirectories(root.resolve(ownGroup.substring(1)));
    Files.writeString(tmp.resolve("cgroup.txt"), "0::" + ownGroup + "\n");
    Files.writeString(
        tmp.resolve("mountinfo"),
        "25 1 0:22 / " + root + " rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n");
    return root;
  }

  private Cgroups detect() {
    return CgroupDetection.detect(tmp.resolve("cgroup.txt"), tmp.resolve("mountinfo"));
  }

  private static void group(Path dir, String controllers, String subtree, String procs)
      throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("cgroup.controllers"), controllers + "\n");
    Files.writeString(dir.resolve("cgroup.subtree_control"), subtree + "\n");
    Files.writeString(dir.resolve("cgroup.procs"), procs);
  }

  @Test
  void usesParentOfOwnGroupWhenItHasMemoryAndPidsEnabled() throws IOException {
    Path root = v2Host("/user.slice/user@1000.service/app.slice/corral.scope");
    Path app = root.resolve("user.slice/user@1000.service/app.slice");
    group(app, "cpu memory pids io", "memory pids", "");

    Cgroups cgroups = detect();

    assertThat(cgroups).isEqualTo(new CgroupV2(app, List.of("memory", "pids", "cpu")));
    assertThat(cgroups.probe())
        .isEqualTo(Check.ok("cgroups", "v2 delegated at " + app + " (memory,pids,cpu)"));
  }

  @Test
  void climbsPastParentHoldingProcessesWithoutControllersEnabled() throws IOException {
    Path root = v2Host("/a/b/own");
    group(root.resolve("a/b"), "memory pids", "", "4242\n");
    group(root.resolve("a"), "memory pids", "", "");

    assertThat(detect()).isEqualTo(new CgroupV2(root.resolve("a"), List.of("memory", "pids")));
  }

  @Test
  void warnsWithSystemdRunFixWhenNoAncestorOffersControllers() throws IOException {
    Path root = v2Host("/user.slice/user-1000.slice/session-3.scope");
    group(root.resolve("user.slice/user-1000.slice"), "", "", "");
    group(root.resolve("user.slice"), "", "", "");
    group(root, "cpuset", "", "1\n");

    Check check = detect().probe();

    assertThat(check.status()).isEqualTo(Check.Status.WARN);
    assertThat(check.detail())
        .isEqualTo(
            "cgroup v2 is not delegated to you ("
                + root.resolve("user.slice/user-1000.slice")
                + " offers controllers [], not memory and pids); memory and process limits"
                + " fall back to rlimits");
    assertThat(check.fix()).contains("systemd-run --user --scope -p Delegate=yes");
  }

  @Test
  void reportsNoInternalProcessesRuleWhenEveryCandidateHoldsProcesses() throws IOException {
    Path root = v2Host("/busy/own");
    group(root.resolve("busy"), "memory pids", "", "77\n");
    group(root, "memory pids", "", "1\n");

    assertThat(detect().probe().detail()).contains("no-internal-processes rule");
  }

  @Test
  void createEnablesControllersAndWritesV2Limits() throws IOException {
    Path parent = tmp.resolve("parent");
    group(parent, "memory pids cpu", "", "");
    CgroupV2 cgroups = new CgroupV2(parent, List.of("memory", "pids"));
    ResourceLimits limits = ResourceLimits.DEFAULT.withMemoryBytes(64L << 20).withPids(50);

    CgroupHandle handle = cgroups.create(SandboxId.of("box"), limits);

    Path group = parent.resolve("corral-box");
    assertThat(handle.procsFiles()).containsExactly(group.resolve("cgroup.procs"));
    assertThat(Files.readString(parent.resolve("cgroup.subtree_control"))).isEqualTo("+pids");
    assertThat(Files.readString(group.resolve("memory.max"))).isEqualTo("67108864");
    assertThat(Files.readString(group.resolve("pids.max"))).isEqualTo("50");
    assertThat(group.resolve("cpu.max")).doesNotExist();
  }

  @Test
  void prefersV1WhenMemoryAndPidsHierarchiesAreMounted() throws IOException {
    Path memory = Files.createDirectories(tmp.resolve("memory/job/1"));
    Path pids = Files.createDirectories(tmp.resolve("pids"));
    Files.writeString(tmp.resolve("cgroup.txt"), "4:memory:/job/1\n3:pids:/\n0::/\n");
    Files.writeString(
        tmp.resolve("mountinfo"),
        String.join(
            "\n",
            "35 31 0:32 / " + tmp.resolve("memory") + " rw - cgroup cgroup rw,memory",
            "39 31 0:36 / " + pids + " rw - cgroup cgroup rw,pids",
            "41 31 0:38 / " + tmp.resolve("unified") + " rw - cgroup2 cgroup2 rw"));

    Cgroups cgroups = detect();

    assertThat(cgroups).isEqualTo(new CgroupV1(Map.of("memory", memory, "pids", pids)));
    assertThat(cgroups.probe()).isEqualTo(Check.ok("cgroups", "v1 memory,pids"));
  }

  @Test
  void findsOwnGroupInMountShowingASubtree() {
    CgroupDetection.Mount mount =
        CgroupDetection.mounts(
                List.of("35 31 0:32 /job /sys/fs/cgroup/my\\040mem rw - cgroup cgroup rw,memory"))
            .getFirst();

    assertThat(mount.mountPoint()).isEqualTo(Path.of("/sys/fs/cgroup/my mem"));
    assertThat(mount.directoryOf("/job/1")).contains(Path.of("/sys/fs/cgroup/my mem/1"));
    assertThat(mount.directoryOf("/jobless")).isEmpty();
  }
}
