package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.corral.tck.Capability;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
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
  void forwardsSigtermToTheSandboxedCommand() throws Exception {
    Capability.require(Files.isExecutable(Path.of("/usr/bin/bwrap")), "bubblewrap");

    Result r = signalled(ProcessHandle::destroy, "TERM", 15);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(9);
    assertThat(r.stdout()).isEqualTo("ready\ngot-TERM\n");
    assertThat(r.stderr()).isEmpty();
  }

  @Test
  void forwardsSigintToTheSandboxedCommand() throws Exception {
    Capability.require(Files.isExecutable(Path.of("/usr/bin/bwrap")), "bubblewrap");

    Result r = signalled(p -> kill("INT", p.pid()), "INT", 2);

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(9);
    assertThat(r.stdout()).isEqualTo("ready\ngot-INT\n");
    assertThat(r.stderr()).isEmpty();
  }

  @Test
  void aRunAfterACrashRemovesWhatTheCrashedRunLeftBehind() throws Exception {
    Capability.require(Files.isExecutable(Path.of("/usr/bin/bwrap")), "bubblewrap");
    Path runtime =
        Files.createDirectories(workspace.resolveSibling(workspace.getFileName() + ".rt"));
    ProcessBuilder builder =
        new ProcessBuilder(LAUNCHER.toString(), "run", "--", "sh", "-c", "echo ready; sleep 60")
            .directory(workspace.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("CORRAL_NO_BUILD", "1");
    builder.environment().put("XDG_RUNTIME_DIR", runtime.toString());
    Process crashed = builder.start();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(crashed.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("ready");
    }
    assertThat(workspace.resolve(".envrc")).as("placeholder while running").exists();
    crashed.toHandle().destroyForcibly(); // kill -9: no teardown at all
    assertThat(crashed.waitFor(30, TimeUnit.SECONDS)).isTrue();

    ProcessBuilder next =
        new ProcessBuilder(LAUNCHER.toString(), "run", "--", "true")
            .directory(workspace.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    next.environment().put("CORRAL_NO_BUILD", "1");
    next.environment().put("XDG_RUNTIME_DIR", runtime.toString());
    assertThat(next.start().waitFor()).isZero();

    try (var left = Files.list(workspace)) {
      assertThat(left).as("placeholders of the crashed run").isEmpty();
    }
    try (var left = Files.list(runtime.resolve("corral/native"))) {
      assertThat(left).as("runtime directories").isEmpty();
    }
  }

  /**
   * Starts a command that traps {@code signal}, waits until it runs, sends the signal to corral
   * (the launcher execs the JVM, so the launched pid is corral itself) and collects the result.
   */
  private Result signalled(Consumer<ProcessHandle> send, String signal, int number)
      throws Exception {
    Path err = workspace.resolveSibling(workspace.getFileName() + ".err");
    ProcessBuilder builder =
        new ProcessBuilder(
                LAUNCHER.toString(),
                "run",
                "--",
                "sh",
                "-c",
                "trap 'echo got-"
                    + signal
                    + "; exit 9' "
                    + signal
                    + "; echo ready; while :; do sleep 0.1; done")
            .directory(workspace.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectError(err.toFile());
    builder.environment().put("CORRAL_NO_BUILD", "1");
    Process p = builder.start();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String first = out.readLine();
      assertThat(first).as("first line; stderr: " + Files.readString(err)).isEqualTo("ready");
      // A signal ignored when corral started stays ignored (as for any program): nothing to test.
      assumeFalse(
          ignores(p.pid(), number),
          "SIG" + signal + " is ignored by the process running the tests");
      send.accept(p.toHandle());
      String rest = out.lines().map(line -> line + "\n").collect(Collectors.joining());
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("corral ended after SIG" + signal).isTrue();
      return new Result(p.exitValue(), first + "\n" + rest, Files.readString(err));
    } finally {
      p.destroyForcibly();
    }
  }

  private static boolean ignores(long pid, int signal) throws IOException {
    String mask =
        Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
            .filter(line -> line.startsWith("SigIgn:"))
            .map(line -> line.substring("SigIgn:".length()).trim())
            .findFirst()
            .orElse("0");
    return (Long.parseUnsignedLong(mask, 16) & (1L << (signal - 1))) != 0;
  }

  private static void kill(String signal, long pid) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0)
          .as("kill -" + signal + " " + pid)
          .isTrue();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void printsItsVersion() throws IOException, Exception {
    Result r = corral(List.of("--version"), "");
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).startsWith("corral ");
  }
}
