package dev.corral.nativebackend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.FilesystemPolicy;
import dev.corral.core.HostPath;
import dev.corral.core.Mount;
import dev.corral.core.SandboxId;
import dev.corral.core.SandboxSpec;
import dev.corral.core.Stdio;
import dev.corral.core.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BwrapArgumentsTest {
  @TempDir Path temp;
  private Path home;
  private Path workspace;
  private BwrapArguments.Layout layout;

  @BeforeEach
  void setUp() throws IOException {
    home = Files.createDirectories(temp.resolve("home"));
    Files.createDirectories(home.resolve(".ssh"));
    Files.writeString(home.resolve(".netrc"), "secret");
    workspace = Files.createDirectories(home.resolve("project"));
    Files.createDirectories(workspace.resolve(".git/hooks"));
    layout =
        new BwrapArguments.Layout(
            HostPath.of(home), HostPath.of(temp.resolve("empty")), 1000, 1000, 3);
  }

  private SandboxSpec.Builder spec() {
    return SandboxSpec.builder(SandboxId.of("tidy-ox-0001"), HostPath.of(workspace))
        .filesystem(FilesystemPolicy.defaults(HostPath.of(home), List.of()));
  }

  private List<String> args(SandboxSpec spec) {
    return BwrapArguments.build(spec, layout, List.of("true")).args();
  }

  @Test
  void unsharesEveryNamespaceAndDropsCapabilities() {
    assertThat(args(spec().build()))
        .contains(
            "--unshare-user",
            "--unshare-pid",
            "--unshare-ipc",
            "--unshare-uts",
            "--unshare-net",
            "--unshare-cgroup",
            "--disable-userns",
            "--die-with-parent",
            "--new-session")
        .containsSequence("--cap-drop", "ALL")
        .containsSequence("--uid", "1000", "--gid", "1000")
        .containsSequence("--seccomp", "3", "--", "true");
  }

  @Test
  void keepsTheCallersTerminalOutOfReachExceptForAPrivateTty() {
    assertThat(args(spec().stdio(Stdio.TTY).build())).doesNotContain("--new-session");
  }

  @Test
  void bindsTheWorkspaceWritableAndItsWholeGitDirectoryReadOnly() {
    List<String> args = args(spec().build());
    String ws = workspace.toString();
    assertThat(args).containsSequence("--bind", ws, ws);
    String git = ws + "/.git";
    assertThat(args).containsSequence("--ro-bind", git, git);
    assertThat(Collections.indexOfSubList(args, List.of("--ro-bind", git, git)))
        .isGreaterThan(Collections.indexOfSubList(args, List.of("--bind", ws, ws)));
    // No mount points inside the read-only .git.
    assertThat(args).noneMatch(a -> a.startsWith(git + "/"));
  }

  @Test
  void inACloneBindsOnlyTheHooksAndConfigReadOnly() {
    SandboxSpec spec =
        spec()
            .filesystem(FilesystemPolicy.defaults(HostPath.of(home), List.of()).forClone())
            .build();
    BwrapArguments.Result result = BwrapArguments.build(spec, layout, List.of("true"));
    String git = workspace.resolve(".git").toString();
    assertThat(result.args())
        .containsSequence("--ro-bind", git + "/hooks", git + "/hooks")
        .containsSequence("--ro-bind", "/dev/null", git + "/config")
        .doesNotContainSequence("--ro-bind", git, git);
    assertThat(result.placeholders()).contains(workspace.resolve(".git/config"));
  }

  @Test
  void placesReadOnlyPlaceholdersOverAbsentProtectedEntries() {
    BwrapArguments.Result result = BwrapArguments.build(spec().build(), layout, List.of("true"));
    assertThat(result.placeholders())
        .contains(workspace.resolve(".envrc"), workspace.resolve(".vscode"));
    // Files too get an empty directory (git ignores it; a /dev/null device breaks `git add -A`).
    String empty = layout.emptyDir().toString();
    assertThat(result.args())
        .containsSequence("--ro-bind", empty, workspace.resolve(".envrc").toString())
        .containsSequence("--ro-bind", empty, workspace.resolve("corral.toml").toString());
  }

  @Test
  void pinsASubmoduleInPlaceBeforeItsGitGoesReadOnly() throws IOException {
    Files.createDirectories(workspace.resolve("deps/lib"));
    Files.writeString(workspace.resolve("deps/lib/.git"), "gitdir: ../../.git/modules/lib\n");
    SandboxSpec spec =
        spec()
            .filesystem(
                FilesystemPolicy.defaults(HostPath.of(home), List.of())
                    .withProtected(List.of("deps/lib/.git")))
            .build();
    List<String> args = args(spec);
    String deps = workspace.resolve("deps").toString();
    String lib = workspace.resolve("deps/lib").toString();
    String gitfile = workspace.resolve("deps/lib/.git").toString();
    // Writable binds of the directories themselves: mount points, which cannot be renamed.
    assertThat(args)
        .containsSequence("--bind", deps, deps, "--bind", lib, lib, "--ro-bind", gitfile, gitfile);
    assertThat(Collections.indexOfSubList(args, List.of("--bind", deps, deps)))
        .isGreaterThan(
            Collections.indexOfSubList(
                args, List.of("--bind", workspace.toString(), workspace.toString())));
  }

  @Test
  void keepsAnAbsentGitDirectoryAbsent() throws IOException {
    Files.delete(workspace.resolve(".git/hooks"));
    Files.delete(workspace.resolve(".git"));
    BwrapArguments.Result result = BwrapArguments.build(spec().build(), layout, List.of("true"));
    assertThat(result.placeholders()).contains(workspace.resolve(".git"));
    assertThat(result.args())
        .containsSequence(
            "--ro-bind", layout.emptyDir().toString(), workspace.resolve(".git").toString());
  }

  @Test
  void hidesCredentialsThatAMountExposes() {
    SandboxSpec spec = spec().mount(Mount.parse(home + ":/mnt/home:ro")).build();
    List<String> args = args(spec);
    assertThat(args)
        .containsSequence("--tmpfs", "/mnt/home/.ssh", "--remount-ro", "/mnt/home/.ssh");
    assertThat(args).containsSequence("--ro-bind", "/dev/null", "/mnt/home/.netrc");
  }

  @Test
  void refusesAProtectedEntryThatIsASymlink() throws IOException {
    Files.createSymbolicLink(workspace.resolve(".envrc"), home.resolve(".netrc"));
    assertThatThrownBy(() -> args(spec().build()))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining(".envrc is a symbolic link");
  }

  @Test
  void refusesAMountOverProc() {
    SandboxSpec spec = spec().mount(Mount.parse(home + ":/proc/self:ro")).build();
    assertThatThrownBy(() -> args(spec))
        .isInstanceOf(UsageException.class)
        .hasMessage("cannot mount over /proc/self inside the sandbox");
  }

  @Test
  void passesOnlyAllowlistedHostEnvironment() {
    List<String> args = args(spec().env("FOO", "bar").build());
    assertThat(args).contains("--clearenv").containsSequence("--setenv", "FOO", "bar");
    assertThat(args).containsSequence("--setenv", "CORRAL_SANDBOX", "tidy-ox-0001");
    assertThat(String.join(" ", args)).doesNotContain("JAVA_HOME").doesNotContain("MAVEN");
  }
}
