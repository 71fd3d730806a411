package dev.corral.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.WorkspaceProtection.Pin;
import dev.corral.core.WorkspaceProtection.Placeholder;
import dev.corral.core.WorkspaceProtection.ReadOnly;
import dev.corral.core.WorkspaceProtection.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceProtectionTest {
  @TempDir Path ws;
  private FilesystemPolicy policy;

  @BeforeEach
  void repository() throws IOException {
    Files.createDirectories(ws.resolve(".git/hooks"));
    Files.writeString(ws.resolve(".git/config"), "");
    policy = new FilesystemPolicy(List.of(), FilesystemPolicy.PROTECTED_IN_WORKSPACE);
  }

  private List<Step> plan(FilesystemPolicy p) {
    return WorkspaceProtection.plan(ws, p);
  }

  @Test
  void mountModeKeepsTheWholeGitAndPlaceholdersForAbsentEntries() {
    assertThat(plan(policy))
        .containsExactly(
            new ReadOnly(ws.resolve(".git")),
            new Placeholder(ws.resolve("corral.toml"), false),
            new Placeholder(ws.resolve(".envrc"), false),
            new Placeholder(ws.resolve(".vscode"), false),
            new Placeholder(ws.resolve(".idea"), false),
            new Placeholder(ws.resolve(".husky"), false));
  }

  @Test
  void aCloneKeepsItsHooksAndAnEmptyConfigAndPinsNothing() throws IOException {
    Files.delete(ws.resolve(".git/config"));
    List<Step> steps = plan(policy.forClone());
    assertThat(steps)
        .startsWith(
            new ReadOnly(ws.resolve(".git/hooks")),
            new Placeholder(ws.resolve(".git/config"), true))
        .noneMatch(s -> s instanceof Pin);
  }

  @Test
  void pinsEveryDirectoryOnTheWayToANestedEntryBeforeProtectingIt() throws IOException {
    Files.createDirectories(ws.resolve("deps/lib/.git"));
    Files.createDirectories(ws.resolve("deps/lib/inner"));
    Files.writeString(ws.resolve("sub-file"), "");
    List<Step> steps =
        plan(policy.withProtected(List.of("deps/lib/.git", "deps/lib/inner/.git", "top/x/.git")));
    assertThat(steps.subList(6, steps.size()))
        .containsExactly(
            new Pin(ws.resolve("deps")),
            new Pin(ws.resolve("deps/lib")),
            new ReadOnly(ws.resolve("deps/lib/.git")),
            new Pin(ws.resolve("deps/lib/inner")),
            new Placeholder(ws.resolve("deps/lib/inner/.git"), false),
            // An absent parent is the placeholder: nothing can be created below it.
            new Placeholder(ws.resolve("top"), false));
  }

  @Test
  void aFileOnTheWayBecomesReadOnlyAndEntriesInsideAnotherAreCovered() throws IOException {
    Files.writeString(ws.resolve("sub"), "not a directory now");
    Files.createDirectories(ws.resolve(".vscode/ext"));
    List<Step> steps = plan(policy.withProtected(List.of("sub/.git", ".vscode/ext/.git")));
    assertThat(steps)
        .contains(new ReadOnly(ws.resolve("sub")), new ReadOnly(ws.resolve(".vscode")));
    // A writable pin of .vscode would undo its read-only bind.
    assertThat(steps).noneMatch(s -> s.path().startsWith(ws.resolve(".vscode/ext")));
    assertThat(steps).noneMatch(s -> s instanceof Pin);
  }

  @Test
  void refusesASymbolicLinkOnTheWayToAnEntry() throws IOException {
    Files.createDirectories(ws.resolve("real/.git"));
    Files.createSymbolicLink(ws.resolve("sub"), ws.resolve("real"));
    assertThatThrownBy(() -> plan(policy.withProtected(List.of("sub/.git"))))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "protected workspace entry "
                + ws.resolve("sub")
                + " is a symbolic link (on the way to"
                + " sub/.git)");
  }

  @Test
  void protectedPathsMustBePlainRelativePaths() {
    for (String bad : List.of("/etc", "../x", "a/../../x", "a//b", "./a", "a/")) {
      assertThatThrownBy(() -> policy.withProtected(List.of(bad)))
          .as(bad)
          .isInstanceOf(UsageException.class);
    }
    assertThat(policy.withProtected(List.of("a..b/.git")).protectedInWorkspace())
        .endsWith("a..b/.git");
  }
}
