package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.cli.CliStreams;
import dev.corral.core.CorralDirs;
import dev.corral.core.HostPath;
import dev.corral.tck.Capability;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Bad input through the real wiring and the real native backend: each case gets a one-line error
 * naming the problem with a hint, the documented exit code, and leaves nothing behind (no runtime
 * directory, cgroup, process or placeholder in the workspace).
 */
class BadInputTest {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final Path CGROUPS = Path.of("/sys/fs/cgroup");

  @TempDir Path tmp;
  private Path workspace;
  private CorralDirs dirs;
  private String name;
  private Set<String> workspaceBefore = Set.of();

  private record Result(int code, String out, String err) {
    String firstLine() {
      return err.lines().findFirst().orElse("");
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    Capability.require(Files.isExecutable(Path.of("/usr/bin/bwrap")), "bubblewrap");
    workspace = Files.createDirectory(tmp.resolve("ws"));
    dirs =
        new CorralDirs(
            HostPath.of(tmp.resolve("config")),
            HostPath.of(tmp.resolve("data")),
            HostPath.of(tmp.resolve("state")),
            HostPath.of(tmp.resolve("runtime")));
    name = "badinput-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet();
  }

  @AfterEach
  void leavesNothingBehind() throws Exception {
    if (dirs == null) {
      return;
    }
    Path runtime = tmp.resolve("runtime").resolve("native");
    if (Files.exists(runtime)) {
      try (Stream<Path> left = Files.list(runtime)) {
        assertThat(left).as("runtime directories left in " + runtime).isEmpty();
      }
    }
    assertThat(cgroupsNamed(name)).as("cgroups of " + name).isEmpty();
    assertThat(processesOf(name)).as("processes of " + name).isEmpty();
    assertThat(listing(workspace)).as("workspace after the run").isEqualTo(workspaceBefore);
  }

  private Result corral(String... args) throws IOException {
    return corralIn(workspace, args);
  }

  private Result corralIn(Path cwd, String... args) throws IOException {
    if (Files.isDirectory(workspace)) {
      workspaceBefore = listing(workspace);
    }
    CommandLine cl =
        Main.commandLine(
            dirs,
            Map.of("PATH", "/usr/bin:/bin"),
            HostPath.of(cwd),
            CliStreams.piped(new ByteArrayInputStream(new byte[0])));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.add(1, "--name=" + name);
    int code = cl.execute(all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void refusesRootAsWorkspace() throws IOException {
    Result r = corral("run", "--workspace", "/", "--", "true");

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "corral: error: refusing to use / as the workspace: the sandbox could write the whole"
                + " file system\n"
                + "  hint: cd into a project directory or pass --workspace DIR\n");
  }

  @Test
  void refusesHomeAsWorkspaceWhenStartedThere() throws IOException {
    Path home = Path.of(System.getProperty("user.home"));
    Capability.require(Files.isDirectory(home), "a home directory");
    Set<String> homeBefore = listing(home);

    Result r = corralIn(home, "run", "--", "true");

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "corral: error: refusing to use your home directory "
                + home
                + " as the workspace: it holds your credentials\n"
                + "  hint: cd into a project directory or pass --workspace DIR\n");
    assertThat(listing(home)).as("no placeholders in the home directory").isEqualTo(homeBefore);
  }

  @Test
  void refusesHomeAsWorkspaceGivenAsFlag() throws IOException {
    Path home = Path.of(System.getProperty("user.home"));

    Result r = corral("run", "--workspace", home.toString(), "--", "true");

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.firstLine())
        .isEqualTo(
            "corral: error: refusing to use your home directory "
                + home
                + " as the workspace: it holds your credentials");
  }

  @Test
  void refusesAMissingWorkspace() throws IOException {
    Path missing = tmp.resolve("missing");

    Result r = corral("run", "--workspace", missing.toString(), "--", "true");

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "corral: error: workspace does not exist: "
                + missing
                + "\n  hint: create it or pass an existing --workspace DIR\n");
    assertThat(missing).doesNotExist();
  }

  @Test
  void refusesAFileAsWorkspace() throws IOException {
    Path file = Files.writeString(tmp.resolve("file"), "x");

    Result r = corral("run", "--workspace", file.toString(), "--", "true");

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "corral: error: workspace is not a directory: "
                + file
                + "\n  hint: pass a directory with --workspace DIR\n");
  }

  /**
   * Mode 000 keeps everyone but root out; root on the host still passes the permission check, but
   * inside the sandbox all capabilities are dropped, so the owner's bits are what counts there.
   */
  @Test
  void refusesAWorkspaceItsOwnerCannotRead() throws IOException {
    Path locked = Files.createDirectory(tmp.resolve("locked"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    try {
      Result r = corral("run", "--workspace", locked.toString(), "--", "true");

      assertThat(r.code()).as(r.toString()).isEqualTo(4);
      assertThat(r.err())
          .isEqualTo(
              "corral: error: workspace is not readable: "
                  + locked
                  + "\n  hint: fix its permissions (chmod u+rx "
                  + locked
                  + ")\n");
    } finally {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void rejectsTtyTogetherWithNoTty() throws IOException {
    Result r = corral("run", "--tty", "--no-tty", "--", "true");

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "corral: error: --tty and --no-tty conflict\n  hint: give at most one of them\n");
  }

  @Test
  void rejectsTtyWithoutATerminal() throws IOException {
    Result r = corral("run", "--tty", "--", "true");

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            """
            corral: error: --tty needs a terminal, but standard input or output is not one
              hint: drop --tty to run with plain pipes
            """);
  }

  @Test
  void reportsAMissingCommandWith127() throws IOException {
    Result r = corral("run", "--", "no-such-tool-corral");

    assertThat(r.code()).as(r.toString()).isEqualTo(127);
    assertThat(r.err())
        .isEqualTo(
            "corral: error: command not found in the sandbox: no-such-tool-corral\n"
                + "  hint: the sandbox searched"
                + " PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; give a full"
                + " path or install the command\n");
  }

  @Test
  void reportsANonExecutableFileWith126() throws IOException {
    Files.writeString(workspace.resolve("notes.txt"), "not a program\n");

    Result r = corral("run", "--", "./notes.txt");

    assertThat(r.code()).as(r.toString()).isEqualTo(126);
    assertThat(r.err())
        .isEqualTo(
            """
            corral: error: command is not executable: ./notes.txt
              hint: check its permissions (chmod +x)
            """);
  }

  @Test
  void rejectsAnUnknownKeyInCorralToml() throws IOException {
    Path toml = Files.writeString(workspace.resolve("corral.toml"), "timeout = \"1h\"\nnope = 1\n");

    Result r = corral("run", "--", "true");

    assertThat(r.code()).as(r.toString()).isEqualTo(3);
    assertThat(r.err())
        .isEqualTo(
            "corral: error: "
                + toml
                + ":2: unknown key 'nope'\n"
                + "  hint: valid top-level keys: backend, timeout, [network], [limits], [env],"
                + " [filesystem], [agents.NAME], [workspace], [review.llm],"
                + " [approvals]\n");
  }

  @Test
  void rejectsAWrongTypeInCorralToml() throws IOException {
    Path toml = Files.writeString(workspace.resolve("corral.toml"), "[limits]\npids = \"many\"\n");

    Result r = corral("run", "--", "true");

    assertThat(r.code()).as(r.toString()).isEqualTo(3);
    assertThat(r.err())
        .isEqualTo(
            "corral: error: "
                + toml
                + ":2: 'limits.pids' must be an integer, not a string\n"
                + "  hint: write it like: pids = 1024\n");
  }

  @Test
  void rejectsATomlSyntaxErrorWithItsPosition() throws IOException {
    Path toml = Files.writeString(workspace.resolve("corral.toml"), "# ok\nbackend = \n");

    Result r = corral("run", "--", "true");

    assertThat(r.code()).as(r.toString()).isEqualTo(3);
    assertThat(r.firstLine())
        .startsWith("corral: error: " + toml + ":2:11: Unexpected end of line");
    assertThat(r.err()).endsWith("  hint: fix the TOML syntax (https://toml.io)\n");
  }

  @Test
  void rejectsAnUnknownBackend() throws IOException {
    Result r = corral("run", "--backend", "nope", "--", "true");

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "corral: error: unknown backend 'nope'\n  hint: choose one of: native, docker\n");
  }

  @Test
  void refusesAProtectedEntryThatIsASymlink() throws IOException {
    Path secrets = Files.createDirectory(tmp.resolve("fake-ssh"));
    Files.writeString(secrets.resolve("id_rsa"), "FAKE KEY\n");
    Path envrc = Files.createSymbolicLink(workspace.resolve(".envrc"), secrets);

    Result r = corral("run", "--", "true");

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "corral: error: protected workspace entry "
                + envrc
                + " is a symbolic link\n"
                + "  hint: Corral keeps it read-only and cannot protect a link; replace it with a"
                + " real file or remove it\n");
    assertThat(Files.readSymbolicLink(envrc)).isEqualTo(secrets);
  }

  @Test
  void killsASandboxThatRunsPastItsTimeout() throws IOException {
    Result r = corral("run", "--timeout", "1s", "--", "sleep", "30");

    assertThat(r.code()).as(r.toString()).isEqualTo(124);
    assertThat(r.err())
        .isEqualTo("corral: sandbox " + name + " timed out after 1s (raise it with --timeout)\n");
  }

  @Test
  void namesTheMemoryLimitWhenTheKernelKillsTheSandbox() throws IOException {
    Capability.require(Files.isExecutable(Path.of("/usr/bin/python3")), "python3");

    Result r = corral("run", "--memory", "64m", "--", "python3", "-c", "b = bytearray(1 << 30)");

    assertThat(r.code()).as(r.toString()).isEqualTo(137);
    assertThat(r.err())
        .endsWith(
            "corral: sandbox "
                + name
                + " stopped: memory limit 64m reached; the kernel killed the process"
                + " (raise it with --memory)\n");
  }

  @Test
  void namesThePidsLimitWhenAForkBombIsStopped() throws IOException {
    Result r = corral("run", "--pids", "32", "--", "sh", "-c", "f() { f | f & }; f; sleep 30");

    assertThat(r.code()).as(r.toString()).isEqualTo(137);
    assertThat(r.err())
        .endsWith(
            "corral: sandbox "
                + name
                + " stopped: process count limit 32 reached; the kernel refused to start more"
                + " processes (raise it with --pids)\n");
  }

  private static Set<String> listing(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return Set.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  private static List<Path> cgroupsNamed(String name) throws IOException {
    if (!Files.isDirectory(CGROUPS)) {
      return List.of();
    }
    try (Stream<Path> found =
        Files.find(
            CGROUPS,
            12,
            (p, attrs) -> attrs.isDirectory() && p.getFileName().toString().equals(name))) {
      return found.toList();
    }
  }

  /** Processes whose environment says they belong to the sandbox, after a short grace period. */
  private static List<String> processesOf(String name) throws InterruptedException {
    byte[] marker = ("CORRAL_SANDBOX=" + name + "\0").getBytes(StandardCharsets.UTF_8);
    List<String> found = List.of();
    for (int attempt = 0; attempt < 20; attempt++) {
      found = scan(marker, "corral-" + name);
      if (found.isEmpty()) {
        return found;
      }
      Thread.sleep(50);
    }
    return found;
  }

  private static List<String> scan(byte[] marker, String hostname) {
    List<String> found = new ArrayList<>();
    ProcessHandle.allProcesses()
        .forEach(
            p -> {
              try {
                byte[] env =
                    Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "environ"));
                boolean bwrap =
                    p.info().arguments().map(a -> List.of(a).contains(hostname)).orElse(false);
                if (bwrap || indexOf(env, marker) >= 0) {
                  found.add(p.pid() + " " + p.info().commandLine().orElse("?"));
                }
              } catch (IOException | RuntimeException e) {
                // gone or not ours to read
              }
            });
    return found;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      if (i > 0 && haystack[i - 1] != 0) {
        continue;
      }
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
