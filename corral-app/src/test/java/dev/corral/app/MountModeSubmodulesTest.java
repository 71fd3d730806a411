package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.cli.CliStreams;
import dev.corral.core.CorralDirs;
import dev.corral.core.HostPath;
import dev.corral.tck.Capability;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code corral run} in mount mode finds the submodules of the checkout itself (the contract tests
 * give the backends the list; here the real wiring computes it) and keeps their {@code .git}
 * read-only, on the real native backend.
 */
class MountModeSubmodulesTest {
  @TempDir Path tmp;
  private Path project;
  private CorralDirs dirs;

  private record Result(int code, String out, String err) {}

  @BeforeEach
  void superproject() throws Exception {
    Capability.require(Files.isExecutable(Path.of("/usr/bin/bwrap")), "bubblewrap");
    dirs =
        new CorralDirs(
            HostPath.of(tmp.resolve("config")),
            HostPath.of(tmp.resolve("data")),
            HostPath.of(tmp.resolve("state")),
            HostPath.of(tmp.resolve("runtime")));
    Path lib = Files.createDirectories(tmp.resolve("lib"));
    Files.writeString(lib.resolve("lib.txt"), "lib\n");
    git(lib, "init", "-q");
    git(lib, "add", "lib.txt");
    git(lib, "commit", "-qm", "lib");
    project = Files.createDirectories(tmp.resolve("project"));
    Files.writeString(project.resolve("README"), "hello\n");
    git(project, "init", "-q");
    git(project, "add", "README");
    git(project, "commit", "-qm", "init");
    git(
        project,
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        lib.toString(),
        "sub");
    git(project, "clone", "-q", lib.toString(), "old");
    String head = git(lib, "rev-parse", "HEAD").strip();
    git(project, "update-index", "--add", "--cacheinfo", "160000," + head + ",old");
    git(project, "commit", "-qm", "submodules");
  }

  @Test
  void keepsTheSubmodulesOfTheCheckoutReadOnly() throws Exception {
    String config = Files.readString(project.resolve("old/.git/config"));
    Result r =
        corral(
            "run",
            "--",
            "sh",
            "-c",
            "echo '[core] fsmonitor = evil' >> old/.git/config; echo rc=$?;"
                + " rm sub/.git; echo rc=$?; mv sub sub2; echo rc=$?;"
                + " echo edited > sub/lib.txt && echo edit=$?");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).doesNotContain("rc=0").contains("edit=0");
    assertThat(project.resolve("old/.git/config")).hasContent(config);
    assertThat(project.resolve("sub/.git")).isRegularFile();
    assertThat(project.resolve("sub/lib.txt")).hasContent("edited");
  }

  @Test
  void refusesACheckoutWhoseIndexItCannotRead() throws Exception {
    Path index = project.resolve(".git/index");
    byte[] bytes = Files.readAllBytes(index);
    bytes[bytes.length - 1] ^= 1;
    Files.write(index, bytes);
    Result r = corral("run", "--", "true");
    assertThat(r.code()).as(r.toString()).isEqualTo(4);
    assertThat(r.err())
        .startsWith("corral: error: cannot read the git index " + index + ": ")
        .contains("  hint: Corral reads it to keep the submodules read-only;")
        .contains("--workspace-mode clone");
  }

  private Result corral(String... args) {
    CommandLine cl =
        Main.commandLine(
            dirs,
            Map.of("PATH", "/usr/bin:/bin"),
            HostPath.of(project),
            CliStreams.piped(new ByteArrayInputStream(new byte[0])));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private static String git(Path dir, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of("git", "-c", "user.name=u", "-c", "user.email=u@corral.invalid", "-C"));
    command.add(dir.toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(command + ": " + out).isZero();
    return out;
  }
}
