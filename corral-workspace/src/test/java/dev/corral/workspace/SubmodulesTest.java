package dev.corral.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.EnvironmentException;
import dev.corral.core.FilesystemPolicy;
import dev.corral.core.HostPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the submodules whose {@code .git} mount mode keeps read-only. */
class SubmodulesTest {
  @TempDir Path temp;
  private GitRepo lib;
  private GitRepo project;
  private String libHead;

  @BeforeEach
  void repositories() throws IOException {
    lib = new GitRepo(temp.resolve("lib"));
    libHead = lib.write("lib.txt", "lib\n").commitAll("lib");
    project = new GitRepo(temp.resolve("project"));
    project.write("README", "hello\n").commitAll("init");
  }

  /** {@code git submodule add} from a local path: the usual gitfile into .git/modules. */
  private void addSubmodule(GitRepo repo, GitRepo from, String path) {
    repo.git(
        "-c", "protocol.file.allow=always", "submodule", "add", "-q", from.dir.toString(), path);
  }

  private List<String> found() {
    return Submodules.protectedEntries(HostPath.of(project.dir));
  }

  @Test
  void findsAGitfileSubmoduleAnOldStyleOneAndAnUnpopulatedGitlink() throws IOException {
    addSubmodule(project, lib, "sub");
    project.git("clone", "-q", lib.dir.toString(), project.dir.resolve("old").toString());
    project.git("update-index", "--add", "--cacheinfo", "160000," + libHead + ",old");
    project.git("update-index", "--add", "--cacheinfo", "160000," + libHead + ",ghost/deep");
    assertThat(project.read("sub/.git")).startsWith("gitdir: ");
    assertThat(project.dir.resolve("old/.git")).isDirectory();

    assertThat(found()).containsExactlyInAnyOrder("sub/.git", "old/.git", "ghost/deep/.git");
  }

  @Test
  void entersPopulatedSubmodulesForNestedOnes() throws IOException {
    GitRepo middle = new GitRepo(temp.resolve("middle"));
    middle.write("m.txt", "m\n").commitAll("m");
    addSubmodule(middle, lib, "inner");
    middle.commitAll("with inner");
    addSubmodule(project, middle, "deps/middle");
    project.git(
        "-c", "protocol.file.allow=always", "submodule", "update", "-q", "--init", "--recursive");
    // An old-style nested one too, in the old-style index of a cloned (old-style) submodule.
    project.git("clone", "-q", middle.dir.toString(), project.dir.resolve("old").toString());
    project.git("update-index", "--add", "--cacheinfo", "160000," + libHead + ",old");

    assertThat(found())
        .containsExactlyInAnyOrder(
            "deps/middle/.git", "deps/middle/inner/.git", "old/.git", "old/inner/.git");
  }

  @Test
  void aWorkspaceInsideTheRepositoryGetsTheSubmodulesBelowIt() throws IOException {
    addSubmodule(project, lib, "deps/lib");
    addSubmodule(project, lib, "top");
    List<String> entries = Submodules.protectedEntries(HostPath.of(project.dir.resolve("deps")));
    assertThat(entries).containsExactly("lib/.git");
  }

  @Test
  void aGitfileIntoTheWorkspaceOutsideDotGitKeepsThatDirectoryReadOnlyToo() throws IOException {
    Files.createDirectories(project.dir.resolve("store"));
    project.git(
        "clone",
        "-q",
        "--separate-git-dir",
        project.dir.resolve("store/lib").toString(),
        lib.dir.toString(),
        project.dir.resolve("sub").toString());
    project.git("update-index", "--add", "--cacheinfo", "160000," + libHead + ",sub");
    assertThat(project.read("sub/.git")).startsWith("gitdir: ");
    assertThat(found()).containsExactlyInAnyOrder("sub/.git", "store/lib");
  }

  @Test
  void aGitfileThatReachesItsGitDirectoryThroughASymlinkIsRefused() throws IOException {
    // The agent could re-point `link` after Corral protected today's target.
    Files.createDirectories(project.dir.resolve("store"));
    project.git(
        "clone",
        "-q",
        "--separate-git-dir",
        project.dir.resolve("store/lib").toString(),
        lib.dir.toString(),
        project.dir.resolve("sub").toString());
    project.git("update-index", "--add", "--cacheinfo", "160000," + libHead + ",sub");
    Files.createSymbolicLink(project.dir.resolve("link"), Path.of("store"));
    Files.writeString(project.dir.resolve("sub/.git"), "gitdir: ../link/lib\n");

    assertThatThrownBy(this::found)
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("sub/.git reaches its git directory through a symbolic link")
        .hasMessageContaining("../link/lib");
  }

  @Test
  void findsNothingOutsideARepositoryOrWithoutSubmodules() throws IOException {
    Path plain = Files.createDirectories(temp.resolve("plain"));
    assertThat(Submodules.protectedEntries(HostPath.of(plain))).isEmpty();
    assertThat(found()).isEmpty();
    Files.delete(project.dir.resolve(".git/index"));
    assertThat(found()).isEmpty();
  }

  @Test
  void aCorruptIndexIsAClearErrorNamingTheFile() throws IOException {
    Path index = project.dir.resolve(".git/index");
    byte[] bytes = Files.readAllBytes(index);
    bytes[bytes.length - 1] ^= 1; // the checksum no longer matches
    Files.write(index, bytes);
    assertThatThrownBy(this::found)
        .isInstanceOf(EnvironmentException.class)
        .hasMessageStartingWith("cannot read the git index " + index + ": ")
        .satisfies(
            e ->
                assertThat(((EnvironmentException) e).hint())
                    .hasValueSatisfying(h -> assertThat(h).contains("--workspace-mode clone")));
  }

  @Test
  void aSplitIndexIsRefusedRatherThanHalfRead() {
    addSubmodule(project, lib, "sub");
    project.git("update-index", "--split-index");
    assertThatThrownBy(this::found)
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining(".git/index")
        .satisfies(
            e ->
                assertThat(((EnvironmentException) e).hint())
                    .hasValueSatisfying(
                        h -> assertThat(h).contains("git update-index --no-split-index")));
  }

  @Test
  void refusesMoreSubmodulesThanItCanMount() throws Exception {
    StringBuilder info = new StringBuilder();
    for (int i = 0; i <= Submodules.MAX_GITLINKS; i++) {
      info.append("160000 ").append(libHead).append("\tm/").append(i).append('\n');
    }
    Process p =
        new ProcessBuilder("git", "-C", project.dir.toString(), "update-index", "--index-info")
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().write(info.toString().getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
    assertThatThrownBy(this::found)
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("more than " + Submodules.MAX_GITLINKS + " submodules");
  }

  @Test
  void readingTheIndexRunsNothingTheRepositoryConfigures() throws IOException {
    addSubmodule(project, lib, "sub");
    Path marker = temp.resolve("marker");
    for (String config : List.of(".git/config", ".git/modules/sub/config")) {
      Files.writeString(
          project.dir.resolve(config),
          "[core]\n\tfsmonitor = touch " + marker + "; false\n",
          StandardOpenOption.APPEND);
    }
    assertThat(found()).containsExactly("sub/.git");
    assertThat(marker).as("nothing ran").doesNotExist();
    project.git("status");
    assertThat(marker).as("the plant works for the git command line").exists();
  }

  @Test
  void protectAddsTheEntriesToThePolicy() {
    addSubmodule(project, lib, "sub");
    FilesystemPolicy policy =
        Submodules.protect(
            FilesystemPolicy.defaults(HostPath.of(temp), List.of()), HostPath.of(project.dir));
    assertThat(policy.protectedInWorkspace()).startsWith(".git").endsWith("sub/.git");
  }
}
