package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.tck.Capability;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clone sandbox's {@code corral run} killed with SIGKILL (no shutdown hooks, no teardown) loses
 * no work: the next {@code corral} command that touches workspaces commits what the sandbox left
 * uncommitted, in a sandbox, to the workspace's branch. Runs the packaged jar through {@code
 * ./corral}.
 */
class WorkspaceCrashIT {
  private static final Path LAUNCHER = Path.of("..", "corral").toAbsolutePath().normalize();

  @TempDir Path tmp;

  private ProcessBuilder corral(Path repo, String... args) {
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(repo.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().put("CORRAL_NO_BUILD", "1");
    pb.environment().put("XDG_DATA_HOME", tmp.resolve("data").toString());
    pb.environment().put("XDG_STATE_HOME", tmp.resolve("state").toString());
    pb.environment().put("XDG_RUNTIME_DIR", tmp.resolve("run").toString());
    return pb;
  }

  @Test
  void workOfACloneSandboxWhoseCorralWasKilledIsSavedByTheNextCommand() throws Exception {
    Capability.require(Files.isExecutable(Path.of("/usr/bin/bwrap")), "bubblewrap");
    Files.createDirectories(tmp.resolve("run"));
    Path repo = Files.createDirectories(tmp.resolve("project"));
    WorkspaceAirlockTest.git(repo, "init", "-q", "-b", "main");
    Files.writeString(repo.resolve("app.txt"), "one\n");
    WorkspaceAirlockTest.git(repo, "add", "-A");
    WorkspaceAirlockTest.git(
        repo, "-c", "user.name=t", "-c", "user.email=t", "commit", "-q", "-m", "init");

    Process crashed =
        corral(
                repo,
                "run",
                "--workspace-mode",
                "clone",
                "--name",
                "crash",
                "--",
                "sh",
                "-c",
                "echo unsaved work > work.txt; echo ready; sleep 120")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(crashed.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("ready");
    }
    crashed.toHandle().destroyForcibly(); // kill -9
    assertThat(crashed.waitFor(30, TimeUnit.SECONDS)).isTrue();

    Path out = tmp.resolve("ls.out");
    Path err = tmp.resolve("ls.err");
    Process ls =
        corral(repo, "ls").redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(ls.waitFor(120, TimeUnit.SECONDS)).isTrue();

    assertThat(ls.exitValue()).as(Files.readString(err)).isZero();
    assertThat(Files.readString(err)).contains("saved the work of crash");
    assertThat(Files.readString(out))
        .containsPattern("crash\\s+stopped\\s+-\\s+corral/crash\\s+1\\s+0\\s+1");
    Process diff =
        corral(repo, "diff", "crash")
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertThat(diff.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(out)).contains("+++ b/work.txt", "+unsaved work");
  }
}
