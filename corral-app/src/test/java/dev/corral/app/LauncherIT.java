package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.tck.Capability;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: the repository's {@code ./corral} launcher runs the packaged jar, which runs a
 * command in a real native sandbox. Runs after {@code package} (failsafe), never rebuilds.
 */
class LauncherIT {
  private static final Path LAUNCHER = Path.of("..", "corral").toAbsolutePath().normalize();

  @TempDir Path workspace;

  private record Result(int exitCode, String stdout, String stderr) {}

  private Result corral(List<String> args, String stdin) throws Exception {
    Path out = workspace.resolveSibling(workspace.getFileName() + ".out");
    Path err = workspace.resolveSibling(workspace.getFileName() + ".err");
    Path in = workspace.resolveSibling(workspace.getFileName() + ".in");
    Files.writeString(in, stdin);
    var command = new java.util.ArrayList<String>();
    command.add(LAUNCHER.toString());
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workspace.toFile())
            .redirectInput(in.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().put("CORRAL_NO_BUILD", "1");
    Process p = builder.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("corral finished in time").isTrue();
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void runsACommandInTheSandboxAndPassesItsExitCode() throws Exception {
    Capability.require(Files.isExecutable(Path.of("/usr/bin/bwrap")), "bubblewrap");
    Result r =
        corral(
            List.of(
                "run",
                "--",
                "sh",
                "-c",
                "read line; echo \"got $line\"; echo oops >&2;"
                    + " echo inside > made.txt; exit 3"),
            "hay\n");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.stdout()).isEqualTo("got hay\n");
    assertThat(r.stderr()).isEqualTo("oops\n");
    assertThat(workspace.resolve("made.txt")).hasContent("inside");
  }

  @Test
  void reportsAMissingCommandWithExitCode127() throws Exception {
    Capability.require(Files.isExecutable(Path.of("/usr/bin/bwrap")), "bubblewrap");
    Result r = corral(List.of("run", "--", "no-such-tool-corral"), "");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(127);
    assertThat(r.stderr()).startsWith("corral: error: command not found in the sandbox");
  }

  @Test
  void printsItsVersion() throws IOException, Exception {
    Result r = corral(List.of("--version"), "");
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).startsWith("corral ");
  }
}
