package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.Check;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorCommandTest {
  @TempDir Path workdir;

  private static FakeBackend broken() {
    FakeBackend b = new FakeBackend("native");
    b.checks =
        List.of(
            Check.ok("bubblewrap", "bwrap 0.9.0"),
            Check.fail(
                "user namespaces",
                "blocked by AppArmor",
                "sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0"));
    return b;
  }

  @Test
  void listsEveryCheckAndTheBackendRunWillUse() {
    FakeBackend ok = new FakeBackend("fake");
    ok.checks = List.of(Check.warn("cgroups", "v1 only", "enable cgroup v2"));

    var result = new CliHarness(workdir, ok).run("doctor");

    assertThat(result.code()).isZero();
    assertThat(result.out())
        .isEqualTo(
            """
            fake: can run
              WARN  cgroups  v1 only
                             fix: enable cgroup v2
            corral run will use the fake backend
            """);
  }

  @Test
  void failsWithExitCode4WhenNoBackendCanRun() {
    var result = new CliHarness(workdir, broken()).run("doctor");

    assertThat(result.code()).isEqualTo(4);
    assertThat(result.out())
        .isEqualTo(
            """
            native: cannot run
              OK    bubblewrap       bwrap 0.9.0
              FAIL  user namespaces  blocked by AppArmor
                                     fix: sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0
            no backend can run here: fix the failures above, then run `corral doctor`
            """);
  }

  @Test
  void writesJson() {
    var result = new CliHarness(workdir, broken()).run("doctor", "--output", "json");

    assertThat(result.code()).isEqualTo(4);
    assertThat(result.out().replaceAll("\\s+", ""))
        .isEqualTo(
            "{\"backends\":[{\"name\":\"native\",\"usable\":false,\"checks\":["
                + "{\"name\":\"bubblewrap\",\"status\":\"OK\",\"detail\":\"bwrap0.9.0\","
                + "\"fix\":null},"
                + "{\"name\":\"usernamespaces\",\"status\":\"FAIL\","
                + "\"detail\":\"blockedbyAppArmor\","
                + "\"fix\":\"sudosysctlkernel.apparmor_restrict_unprivileged_userns=0\"}]}],"
                + "\"selected\":null}");
  }

  @Test
  void rejectsAnUnknownOutputFormat() {
    var result = new CliHarness(workdir, broken()).run("doctor", "--output", "yaml");

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).startsWith("corral: error: Invalid value for option '--output'");
  }
}
