package dev.corral.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.CommandException;
import dev.corral.core.EventSink;
import dev.corral.core.FilesystemPolicy;
import dev.corral.core.HostPath;
import dev.corral.core.Limit;
import dev.corral.core.Mount;
import dev.corral.core.ResourceLimits;
import dev.corral.core.SandboxOutcome;
import dev.corral.core.SandboxPath;
import dev.corral.core.SandboxProcess;
import dev.corral.core.SandboxSpec;
import dev.corral.core.Stdio;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every backend passes: lifecycle, streams, exit codes, and the attacks a sandboxed
 * agent might try, each of which must fail. A backend's test extends this class and supplies the
 * backend; a host that cannot run it skips locally and fails in CI (see {@link Capability}).
 *
 * <p>Each test gets a fake user home holding fake credentials, and a workspace inside that home
 * (the usual layout: {@code ~/src/project}), so credential hiding is tested against real files.
 */
@Timeout(120)
public abstract class BackendContract extends SandboxFixture {
  // ---- lifecycle and streams -------------------------------------------------------------

  @Test
  void passesExitCodeThrough() {
    Run r = sandboxed("exit 42");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(42);
    assertThat(sandboxed("true").exitCode()).isZero();
  }

  @Test
  void keepsStdoutAndStderrSeparate() {
    Run r = sandboxed("echo to-out; echo to-err >&2");
    assertThat(r.stdout()).isEqualTo("to-out\n");
    assertThat(r.stderr()).isEqualTo("to-err\n");
  }

  @Test
  void feedsStdinToTheCommand() {
    Run r =
        run(
            sh("tr a-z A-Z").build(),
            p -> {
              try {
                p.stdin().write("quiet llama\n".getBytes(StandardCharsets.UTF_8));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    assertThat(r.stdout()).isEqualTo("QUIET LLAMA\n");
  }

  @Test
  void reportsASignalAsExitCode128PlusSignal() {
    assertThat(sandboxed("kill -TERM $$").exitCode()).isEqualTo(128 + 15);
  }

  @Test
  void deliversSignalsToTheCommand() throws Exception {
    try (SandboxProcess p =
        backend()
            .start(
                sh("trap 'exit 7' TERM; echo ready; while :; do sleep 1; done").build(),
                EventSink.NONE)) {
      InputStream out = p.stdout();
      assertThat(new String(out.readNBytes(6), StandardCharsets.UTF_8)).isEqualTo("ready\n");
      p.signal(15);
      assertThat(p.waitFor(Duration.ofSeconds(10))).contains(new SandboxOutcome.Exited(7));
    }
  }

  @Test
  void givesAPrivateTerminalThatFollowsResizes() throws Exception {
    SandboxSpec spec =
        sh("read go; stty size; test -t 0 && test -t 1 && echo is-a-tty").stdio(Stdio.TTY).build();
    try (SandboxProcess p = backend().start(spec, EventSink.NONE)) {
      CompletableFuture<String> out = drain(p.stdout());
      p.resize(123, 45);
      p.stdin().write("go\n".getBytes(StandardCharsets.UTF_8));
      p.stdin().flush();
      assertThat(p.waitFor(Duration.ofSeconds(20))).contains(new SandboxOutcome.Exited(0));
      assertThat(out.join()).contains("45 123").contains("is-a-tty");
    }
  }

  @Test
  void signalsAndKillsASandboxWithATerminal() throws Exception {
    SandboxSpec spec =
        sh("trap 'echo got-term' TERM; echo ready; while :; do sleep 1; done")
            .stdio(Stdio.TTY)
            .build();
    try (SandboxProcess p = backend().start(spec, EventSink.NONE)) {
      CompletableFuture<String> out = drain(p.stdout());
      Thread.sleep(500);
      p.signal(15);
      p.kill();
      assertThat(p.waitFor(Duration.ofSeconds(10))).isPresent();
      assertThat(out.join()).contains("ready");
    }
  }

  @Test
  void killsASandboxThatOutlivesItsWait() throws Exception {
    try (SandboxProcess p = backend().start(sh("sleep 300").build(), EventSink.NONE)) {
      assertThat(p.waitFor(Duration.ofMillis(300))).isEmpty();
      p.kill();
      assertThat(p.waitFor(Duration.ofSeconds(10))).isPresent();
    }
  }

  @Test
  void rejectsAMissingCommandWithExitCode127Semantics() {
    SandboxSpec spec = sh("").command("no-such-command-corral").build();
    assertThatThrownBy(() -> backend().start(spec, EventSink.NONE))
        .isInstanceOf(CommandException.class)
        .hasMessageContaining("command not found in the sandbox: no-such-command-corral");
  }

  @Test
  void runsAsANonRootUserWithoutCapabilities() {
    Run r = sandboxed("id -u; grep -E '^Cap(Eff|Prm|Bnd):' /proc/self/status");
    assertThat(r.stdout().lines().findFirst()).isPresent().get().isNotEqualTo("0");
    assertThat(r.stdout())
        .contains("CapEff:\t0000000000000000")
        .contains("CapPrm:\t0000000000000000");
  }

  @Test
  void cannotGainPrivilegesThroughSetuidBinaries() {
    // Asks the kernel (prctl PR_GET_NO_NEW_PRIVS), and /proc where it reports the flag (gVisor's
    // /proc/self/status has no NoNewPrivs line).
    Run r =
        sandboxed(
            "python3 -c 'import ctypes; print(ctypes.CDLL(None).prctl(39, 0, 0, 0, 0))';"
                + " grep '^NoNewPrivs:' /proc/self/status || echo 'NoNewPrivs:\t1'");
    assertThat(r.stdout()).as(r.toString()).isEqualTo("1\nNoNewPrivs:\t1\n");
  }

  @Test
  void seesNoHostEnvironmentItWasNotGiven() {
    Run r = run(sh("env").env("GIVEN", "yes").build());
    assertThat(r.stdout()).contains("GIVEN=yes").doesNotContain("JAVA_HOME=");
    assertThat(r.stdout().lines().filter(l -> l.startsWith("MAVEN") || l.startsWith("SUREFIRE")))
        .isEmpty();
  }

  // ---- filesystem ------------------------------------------------------------------------

  @Test
  void writesToTheWorkspaceReachTheHost() throws IOException {
    assertThat(sandboxed("echo made-inside > result.txt").exitCode()).isZero();
    assertThat(Files.readString(workspace.resolve("result.txt"))).isEqualTo("made-inside\n");
  }

  @Test
  void cannotReadSshKeyThroughAMountOfTheHome() {
    SandboxSpec spec =
        sh("cat "
                + home
                + "/.ssh/id_rsa; cat "
                + home
                + "/.aws/credentials; cat "
                + home
                + "/.netrc; ls -A "
                + home
                + "/.ssh")
            .mount(
                new Mount(
                    HostPath.of(home), SandboxPath.of(home.toString()), Mount.Access.READ_ONLY))
            .build();
    Run r = run(spec);
    assertThat(r.stdout()).doesNotContain("FAKE");
    assertThat(r.stdout().strip()).isEmpty();
  }

  @Test
  void cannotSeeTheHostHomeOutsideTheWorkspace() {
    Run r = sandboxed("cat ../../.ssh/id_rsa; ls -A ../..; ls -A \"$HOME\"");
    assertThat(r.stdout()).doesNotContain("FAKE").doesNotContain(".ssh");
  }

  @Test
  void cannotEscapeThroughASymlinkPlantedInTheWorkspace() throws IOException {
    Files.createSymbolicLink(workspace.resolve("keys"), home.resolve(".ssh"));
    Files.createSymbolicLink(workspace.resolve("key"), home.resolve(".ssh/id_rsa"));
    Files.createSymbolicLink(workspace.resolve("etc-shadow"), Path.of("/etc/shadow"));
    Run r = sandboxed("cat keys/id_rsa key etc-shadow; ls keys");
    assertThat(r.stdout()).doesNotContain("FAKE").doesNotContain("root:");
  }

  @Test
  void cannotWriteOutsideTheWorkspace() throws IOException {
    Path sibling = Files.createDirectories(home.resolve("src/other"));
    Run r =
        sandboxed(
            "for f in /etc/corral-x /usr/corral-x /corral-x; do (echo x > $f) 2>/dev/null"
                + " && echo WROTE $f; done; for f in "
                + sibling
                + "/x "
                + home
                + "/x; do (echo x > $f) 2>/dev/null; done; echo done");
    assertThat(r.stdout()).as(r.toString()).doesNotContain("WROTE").contains("done");
    // The fixture lives under /tmp, which is private inside: writes there must not reach the host.
    assertThat(sibling.resolve("x")).doesNotExist();
    assertThat(home.resolve("x")).doesNotExist();
    assertThat(Path.of("/etc/corral-x")).doesNotExist();
  }

  @Test
  void cannotReadHostSecretsInSystemDirectories() {
    Run r =
        sandboxed("cat /etc/shadow /etc/ssh/ssh_host_*_key 2>/dev/null | head -c 100; echo end");
    assertThat(r.stdout()).isEqualTo("end\n");
  }

  @Test
  void hasAPrivateTmp() throws IOException {
    String marker = "corral-tmp-" + System.nanoTime();
    assertThat(sandboxed("echo x > /tmp/" + marker + " && cat /tmp/" + marker).stdout())
        .isEqualTo("x\n");
    assertThat(Path.of("/tmp", marker)).doesNotExist();
  }

  @Test
  void cannotPlantAGitHook() throws IOException {
    Run r =
        sandboxed(
            "printf '#!/bin/sh\\necho pwned\\n' > .git/hooks/pre-commit; echo rc=$?;"
                + " echo '[core] fsmonitor = evil' >> .git/config; echo rc=$?;"
                + " mv .git/hooks .git/hooks-old; echo rc=$?");
    assertThat(r.stdout()).doesNotContain("rc=0");
    assertThat(workspace.resolve(".git/hooks/pre-commit")).doesNotExist();
    assertThat(Files.readString(workspace.resolve(".git/config"))).doesNotContain("fsmonitor");
  }

  @Test
  void cannotCreateFilesTheHostWouldExecute() {
    Run r =
        sandboxed(
            "for f in .envrc corral.toml .vscode/tasks.json .idea/x .husky/pre-commit; do"
                + " (echo evil > $f) 2>/dev/null && echo WROTE $f; done; echo done");
    assertThat(r.stdout()).doesNotContain("WROTE").contains("done");
    assertThat(workspace.resolve(".envrc")).doesNotExist();
    assertThat(workspace.resolve(".vscode")).doesNotExist();
    assertThat(workspace.resolve("corral.toml")).doesNotExist();
  }

  @Test
  void gitCannotCommitInTheUsersCheckoutWhileAbsentProtectedEntriesStayUnwritable()
      throws Exception {
    // Mount mode keeps the whole .git read-only: agents that commit work in a clone.
    hostRepository();
    var before = tree(workspace.resolve(".git"));
    Run r =
        sandboxed(
            "git add -A; echo add=$?; git -c user.name=agent -c user.email=agent@corral.invalid"
                + " commit -q --allow-empty -m work; echo commit=$?;"
                + " (echo evil > .envrc) 2>/dev/null && echo WROTE; echo end");
    assertThat(r.stdout()).as(r.toString()).doesNotContain("add=0", "commit=0", "WROTE");
    assertThat(r.stdout()).contains("end");
    assertThat(r.stderr()).as(r.toString()).contains("Read-only file system");
    assertThat(tree(workspace.resolve(".git"))).isEqualTo(before);
    assertThat(workspace.resolve(".envrc")).doesNotExist();
    assertThat(workspace.resolve("corral.toml")).doesNotExist();
    assertThat(workspace.resolve(".vscode")).doesNotExist();
  }

  @Test
  void cannotReplaceTheGitDirectory() throws Exception {
    Path marker = temp.resolve("marker-replaced");
    String plant =
        "mv .git .git.orig && mkdir .git && cp -a .git.orig/. .git/ && "
            + fsmonitor(".git/config", marker)
            + "; echo rc=$?; rm -rf .git.orig 2>/dev/null; true";
    assertGitTakeoverFails(plant, marker);
    assertThat(workspace.resolve(".git.orig")).doesNotExist();
  }

  @Test
  void cannotPointTheGitDirectoryAtAnotherCommonDir() throws Exception {
    Path marker = temp.resolve("marker-commondir");
    String plant =
        "mkdir -p evil && cp -a .git/objects .git/refs .git/config evil/ && "
            + fsmonitor("evil/config", marker)
            + " && echo ../evil > .git/commondir; echo rc=$?";
    assertGitTakeoverFails(plant, marker);
    assertThat(workspace.resolve(".git/commondir")).doesNotExist();
  }

  @Test
  void cannotAddASubmoduleThatTheHostGitWouldEnter() throws Exception {
    Path marker = temp.resolve("marker-submodule");
    String plant =
        "git init -q sub && "
            + fsmonitor("sub/.git/config", marker)
            + " && git update-index --add --cacheinfo 160000,$(git rev-parse HEAD),sub;"
            + " echo rc=$?";
    assertGitTakeoverFails(plant, marker);
  }

  // ---- submodules of the user's checkout (mount mode) --------------------------------------
  // The superproject has a gitfile submodule `sub` (git submodule add), an old-style one `old`
  // (its own .git directory), `nest` with a nested `nest/inner`, and `ghost`, a gitlink that is
  // not checked out. Each plant below gives one of them a git directory with a config of the
  // agent's making, which the host's `git status` in the superproject would enter.

  @Test
  void cannotEditTheConfigOfAnOldStyleSubmodule() throws Exception {
    Path marker = temp.resolve("marker-old");
    assertSubmoduleTakeoverFails(fsmonitor("old/.git/config", marker) + "; echo rc=$?", marker);
  }

  @Test
  void cannotReplaceTheGitfileOfASubmodule() throws Exception {
    Path marker = temp.resolve("marker-gitfile");
    assertSubmoduleTakeoverFails(
        "rm sub/.git && " + ownGitDir("sub", ".git/modules/sub", marker) + "; echo rc=$?", marker);
  }

  @Test
  void cannotMoveASubmoduleAwayAndPlantAnother() throws Exception {
    Path marker = temp.resolve("marker-moved");
    assertSubmoduleTakeoverFails(
        "mv sub sub2 && mkdir sub && "
            + ownGitDir("sub", ".git/modules/sub", marker)
            + "; echo rc=$?",
        marker);
  }

  @Test
  void cannotTakeOverANestedSubmodule() throws Exception {
    Path marker = temp.resolve("marker-nested");
    // Where removing the gitfile fails, moving the submodule away is tried instead.
    assertSubmoduleTakeoverFails(
        "{ rm nest/inner/.git || { mv nest/inner nest/inner2 && mkdir nest/inner; }; } && "
            + ownGitDir("nest/inner", ".git/modules/nest/modules/inner", marker)
            + "; echo rc=$?",
        marker);
  }

  @Test
  void cannotMoveTheParentOfANestedSubmoduleAway() throws Exception {
    Path marker = temp.resolve("marker-parent");
    assertSubmoduleTakeoverFails(
        "mv nest nest2 && mkdir -p nest/inner && cp nest2/.git nest/.git && "
            + ownGitDir("nest/inner", ".git/modules/nest/modules/inner", marker)
            + "; echo rc=$?",
        marker);
  }

  @Test
  void cannotCheckOutASubmoduleWithAGitDirectoryOfItsOwn() throws Exception {
    Path marker = temp.resolve("marker-ghost");
    assertSubmoduleTakeoverFails(
        "mkdir ghost && " + ownGitDir("ghost", ".git/modules/sub", marker) + "; echo rc=$?",
        marker);
    assertThat(workspace.resolve("ghost")).as("the placeholder is gone").doesNotExist();
  }

  @Test
  void editsTheWorkingTreeOfASubmodule() throws Exception {
    hostSuperproject();
    Run r =
        run(
            withSubmodules(
                    "echo changed > sub/lib.txt && echo new > old/new.txt"
                        + " && echo deep > nest/inner/lib.txt && git -C sub diff --stat; echo"
                        + " rc=$?")
                .build());
    assertThat(r.stdout()).as(r.toString()).contains("lib.txt").contains("rc=0");
    assertThat(workspace.resolve("sub/lib.txt")).hasContent("changed");
    assertThat(workspace.resolve("old/new.txt")).hasContent("new");
    assertThat(workspace.resolve("nest/inner/lib.txt")).hasContent("deep");
    assertThat(host(workspace, "git", "status", "--porcelain")).contains("sub", "old", "nest");
  }

  /**
   * Makes {@code path} (an empty directory) a submodule with a git directory of its own: a copy of
   * {@code modules} (the real one under .git/modules), no worktree, and a planted fsmonitor.
   */
  private static String ownGitDir(String path, String modules, Path marker) {
    return "cp -a "
        + modules
        + " "
        + path
        + "/.git && git config -f "
        + path
        + "/.git/config --unset core.worktree && "
        + fsmonitor(path + "/.git/config", marker);
  }

  /** A sandbox for {@code script} that protects the submodules {@link #hostSuperproject} made. */
  private SandboxSpec.Builder withSubmodules(String script) {
    // What dev.corral.workspace.Submodules finds in such a checkout (SubmodulesTest).
    return sh(script)
        .filesystem(
            FilesystemPolicy.defaults(HostPath.of(home), List.of())
                .withProtected(
                    List.of("sub/.git", "old/.git", "nest/.git", "nest/inner/.git", "ghost/.git")));
  }

  /** Like {@link #assertGitTakeoverFails} in a superproject, with its submodules protected. */
  private void assertSubmoduleTakeoverFails(String plant, Path marker) throws Exception {
    hostSuperproject();
    Path control = temp.resolve("control");
    host(temp, "cp", "-a", workspace.toString(), control.toString());
    host(control, "sh", "-c", plant);
    host(control, "git", "status");
    assertThat(marker).as("the plant works on an unprotected copy").exists();
    Files.delete(marker);

    var before = tree(workspace.resolve(".git"));
    var old = tree(workspace.resolve("old/.git"));
    Run r = run(withSubmodules(plant).build());
    assertThat(r.stdout()).as(r.toString()).contains("rc=").doesNotContain("rc=0");
    assertThat(tree(workspace.resolve(".git"))).isEqualTo(before);
    assertThat(tree(workspace.resolve("old/.git"))).isEqualTo(old);
    host(workspace, "git", "status");
    assertThat(marker).as("host git status ran what the sandbox planted").doesNotExist();
  }

  /**
   * Makes the workspace a superproject: {@code sub} added from a local repository, {@code old}
   * cloned in place and added as a gitlink, {@code nest} with a submodule {@code inner} of its own
   * (checked out recursively), and {@code ghost}, a gitlink never checked out.
   */
  private void hostSuperproject() throws Exception {
    hostRepository();
    Path lib = Files.createDirectories(temp.resolve("upstream/lib"));
    commitIn(lib, "lib.txt");
    Path mid = Files.createDirectories(temp.resolve("upstream/mid"));
    commitIn(mid, "mid.txt");
    host(
        mid,
        "git",
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        lib.toUri().toString(),
        "inner");
    host(
        mid,
        "git",
        "-c",
        "user.name=u",
        "-c",
        "user.email=u@corral.invalid",
        "commit",
        "-qm",
        "inner");
    host(
        workspace,
        "git",
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        lib.toUri().toString(),
        "sub");
    host(
        workspace,
        "git",
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "add",
        "-q",
        mid.toUri().toString(),
        "nest");
    host(
        workspace,
        "git",
        "-c",
        "protocol.file.allow=always",
        "submodule",
        "update",
        "-q",
        "--init",
        "--recursive");
    host(workspace, "git", "clone", "-q", lib.toUri().toString(), "old");
    String head = host(lib, "git", "rev-parse", "HEAD").strip();
    host(workspace, "git", "update-index", "--add", "--cacheinfo", "160000," + head + ",old");
    host(workspace, "git", "update-index", "--add", "--cacheinfo", "160000," + head + ",ghost");
    host(
        workspace,
        "git",
        "-c",
        "user.name=u",
        "-c",
        "user.email=u@corral.invalid",
        "commit",
        "-qm",
        "submodules");
    assertThat(workspace.resolve("nest/inner/.git")).isRegularFile();
    giveToWorkspaceOwner(workspace);
  }

  private static void commitIn(Path dir, String file) throws Exception {
    Files.writeString(dir.resolve(file), file + "\n");
    host(dir, "git", "init", "-q");
    host(dir, "git", "add", file);
    host(
        dir,
        "git",
        "-c",
        "user.name=u",
        "-c",
        "user.email=u@corral.invalid",
        "commit",
        "-qm",
        file);
  }

  /**
   * Appends a {@code core.fsmonitor} that touches {@code marker} to the git config {@code file}.
   */
  private static String fsmonitor(String file, Path marker) {
    return "printf '[core]\\n\\tfsmonitor = touch " + marker + "; false\\n' >> " + file;
  }

  /**
   * Plants {@code plant} in a copy of a real repository on the host, where the user's {@code git
   * status} runs it (the control), then in the sandbox, where it must fail and the host's {@code
   * git status} afterwards must not run it.
   */
  private void assertGitTakeoverFails(String plant, Path marker) throws Exception {
    hostRepository();
    Path control = temp.resolve("control");
    host(temp, "cp", "-a", workspace.toString(), control.toString());
    host(control, "sh", "-c", plant);
    host(control, "git", "status");
    assertThat(marker).as("the plant works on an unprotected copy").exists();
    Files.delete(marker);

    var before = tree(workspace.resolve(".git"));
    Run r = sandboxed(plant);
    assertThat(r.stdout()).as(r.toString()).contains("rc=").doesNotContain("rc=0");
    assertThat(tree(workspace.resolve(".git"))).isEqualTo(before);
    host(workspace, "git", "status");
    assertThat(marker).as("host git status ran what the sandbox planted").doesNotExist();
  }

  /** Makes the workspace a real repository with one commit, owned by the sandbox's user. */
  private void hostRepository() throws Exception {
    host(workspace, "git", "init", "-q");
    host(workspace, "git", "add", "README");
    host(
        workspace,
        "git",
        "-c",
        "user.name=user",
        "-c",
        "user.email=user@corral.invalid",
        "commit",
        "-q",
        "-m",
        "init");
    giveToWorkspaceOwner(workspace.resolve(".git"));
  }

  /**
   * Runs {@code command} on the host in {@code dir} and requires it to succeed; returns its output.
   * Git trusts the repository whoever owns it (a backend may give it to another uid), so that a
   * {@code git status} that runs nothing really looked at the repository.
   */
  private static String host(Path dir, String... command) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("GIT_CONFIG_COUNT", "1");
    pb.environment().put("GIT_CONFIG_KEY_0", "safe.directory");
    pb.environment().put("GIT_CONFIG_VALUE_0", "*");
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    return out;
  }

  /** Every path under {@code dir} with its content (files) or kind, to compare before and after. */
  private static java.util.Map<String, String> tree(Path dir) throws IOException {
    var entries = new java.util.TreeMap<String, String>();
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.toList()) {
        String key = dir.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          entries.put(key, "link " + Files.readSymbolicLink(p));
        } else if (Files.isRegularFile(p)) {
          entries.put(
              key,
              java.util.HexFormat.of()
                  .formatHex(
                      java.security.MessageDigest.getInstance("SHA-256")
                          .digest(Files.readAllBytes(p))));
        } else {
          entries.put(key, "dir");
        }
      }
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return entries;
  }

  /** Hands what the test made as its own user to the workspace's owner (the sandbox's user). */
  private void giveToWorkspaceOwner(Path dir) throws IOException {
    var owner = Files.getOwner(workspace);
    var group =
        Files.readAttributes(workspace, java.nio.file.attribute.PosixFileAttributes.class).group();
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.toList()) {
        Files.setOwner(p, owner);
        Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class)
            .setGroup(group);
      }
    }
  }

  // ---- processes and kernel ------------------------------------------------------------

  @Test
  void cannotSeeHostProcesses() throws Exception {
    Process host = new ProcessBuilder("sleep", "60").start();
    try {
      Run r =
          sandboxed("ls /proc | grep -c '^[0-9]'; test -e /proc/" + host.pid() + " && echo SEEN");
      assertThat(r.stdout()).doesNotContain("SEEN");
      assertThat(Integer.parseInt(r.stdout().strip())).isLessThan(10);
    } finally {
      host.destroyForcibly();
    }
  }

  @Test
  void cannotPtrace() throws Exception {
    Process host = new ProcessBuilder("sleep", "60").start();
    try {
      Run r =
          sandboxed(
              "python3 -c 'import ctypes,os; l=ctypes.CDLL(None,use_errno=True);"
                  + " print(\"traceme\", l.ptrace(0,0,0,0), ctypes.get_errno());"
                  + " print(\"attach\", l.ptrace(16,"
                  + host.pid()
                  + ",0,0))'");
      assertThat(r.stdout()).contains("traceme -1 1").contains("attach -1");
    } finally {
      host.destroyForcibly();
    }
  }

  @Test
  void cannotMount() {
    Run r = sandboxed("mount -t tmpfs none /tmp 2>&1; echo rc=$?");
    assertThat(r.stdout()).doesNotContain("rc=0");
  }

  @Test
  void cannotCreateANestedUserNamespace() {
    Run r = sandboxed("unshare -U true; echo rc=$?; unshare -r true; echo rc=$?");
    assertThat(r.stdout()).doesNotContain("rc=0");
  }

  @Test
  void cannotUseKeyringsOrBpf() {
    Run r =
        sandboxed(
            "python3 -c 'import ctypes; l=ctypes.CDLL(None,use_errno=True);"
                + " print(l.syscall(250, 0, 0, 0, 0), ctypes.get_errno());" // keyctl
                + " print(l.syscall(321, 0, 0, 0), ctypes.get_errno())'"); // bpf
    assertThat(r.stdout()).isEqualTo("-1 1\n-1 1\n");
  }

  // ---- network ---------------------------------------------------------------------------

  @Test
  void cannotConnectToTheHostLoopback() throws Exception {
    try (var server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      server.setSoTimeout(1);
      Run r =
          sandboxed(
              "python3 -c 'import socket; s=socket.socket(); s.settimeout(3);"
                  + " print(s.connect_ex((\"127.0.0.1\", "
                  + server.getLocalPort()
                  + ")))'");
      assertThat(r.stdout().strip()).isNotEqualTo("0");
      assertThatThrownBy(server::accept).isInstanceOf(java.net.SocketTimeoutException.class);
    }
  }

  @Test
  void hasNoRouteToAnyAddress() {
    // Documentation addresses (RFC 5737, RFC 3849): public literals that no test may reach.
    Run r =
        sandboxed(
            "python3 -c 'import socket\n"
                + "for fam, addr in ((socket.AF_INET, \"192.0.2.1\"), (socket.AF_INET6,"
                + " \"2001:db8::1\")):\n"
                + "  s=socket.socket(fam); s.settimeout(3)\n"
                + "  print(s.connect_ex((addr, 443)))'; cat /proc/net/route | wc -l");
    List<String> lines = r.stdout().lines().toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).isNotEqualTo("0");
    assertThat(lines.get(1)).isNotEqualTo("0");
    assertThat(lines.get(2)).isEqualTo("1"); // only the header: no routes at all
  }

  @Test
  void cannotResolveHostNames() {
    Run r = sandboxed("getent hosts example.com; echo rc=$?");
    assertThat(r.stdout()).contains("rc=2").doesNotContainPattern("\\d+\\.\\d+\\.\\d+\\.\\d+");
  }

  /** Asserts that a limit ended the sandbox and that the outcome names it. */
  protected static void assertStoppedBy(Run r, Limit limit) {
    assertThat(r.outcome())
        .as(r.toString())
        .isInstanceOfSatisfying(
            SandboxOutcome.LimitExceeded.class, hit -> assertThat(hit.limit()).isEqualTo(limit));
  }

  // ---- resource limits -------------------------------------------------------------------

  @Test
  void aForkBombKillsOnlyTheSandbox() {
    SandboxSpec spec =
        sh("bomb() { bomb | bomb & }; bomb; sleep 30")
            .limits(ResourceLimits.DEFAULT.withPids(64))
            .build();
    assertStoppedBy(run(spec), Limit.PIDS);
  }

  @Test
  void allocatingPastTheMemoryLimitKillsTheSandbox() {
    SandboxSpec spec =
        sh("python3 -c 'b = bytearray(10 * 1024**3)'; sleep 30")
            .limits(ResourceLimits.DEFAULT.withMemoryBytes(ResourceLimits.parseSize("128m")))
            .build();
    assertStoppedBy(run(spec), Limit.MEMORY);
  }

  @Test
  void stopsAtTheCpuTimeLimit() {
    SandboxSpec spec =
        sh("while :; do :; done")
            .limits(ResourceLimits.DEFAULT.withCpuTime(Duration.ofSeconds(1)))
            .build();
    assertStoppedBy(run(spec), Limit.CPU_TIME);
  }

  @Test
  void stopsAtTheFileSizeLimit() {
    SandboxSpec spec =
        sh("head -c 8388608 /dev/zero > big")
            .limits(ResourceLimits.DEFAULT.withFileSizeBytes(ResourceLimits.parseSize("1m")))
            .build();
    assertStoppedBy(run(spec), Limit.FILE_SIZE);
  }

  @Test
  void limitsOpenFiles() {
    SandboxSpec spec = sh("ulimit -n").limits(ResourceLimits.DEFAULT.withOpenFiles(64)).build();
    assertThat(run(spec).stdout().strip()).isEqualTo("64");
  }
}
