package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.SandboxId;
import dev.corral.core.SandboxSummary;
import dev.corral.workspace.WorkspaceInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LsCommandTest {
  private static final Instant CREATED = Instant.parse("2026-11-23T10:15:30.123Z");

  private static SandboxSummary sandbox(String name, String backend) {
    return new SandboxSummary(SandboxId.of(name), backend, "running", CREATED, Map.of());
  }

  private static WorkspaceInfo clone(String name, String state) {
    return new WorkspaceInfo(
        name, state, "corral/" + name, "/r", "b", "t", "claude", "2026-11-22T09:00:00Z", 2, 0, 3);
  }

  @Test
  void joinsSandboxesAndWorkspacesByName() {
    List<LsCommand.Row> rows =
        LsCommand.join(
            List.of(sandbox("live", "docker"), sandbox("plain", "native")),
            List.of(clone("live", "running"), clone("old", "stopped")));
    assertThat(rows).extracting(LsCommand.Row::name).containsExactly("live", "old", "plain");
    assertThat(LsCommand.table(rows))
        .isEqualTo(
            """
            NAME   STATE    BACKEND  BRANCH       AHEAD  BEHIND  FILES  COMMAND  CREATED
            live   running  docker   corral/live  2      0       3      claude   2026-11-23T10:15:30Z
            old    stopped  -        corral/old   2      0       3      claude   2026-11-22T09:00:00Z
            plain  running  native   -            -      -       -      -        2026-11-23T10:15:30Z
            """);
  }

  @Test
  void saysHowToStartOneWhenThereIsNothing() {
    assertThat(LsCommand.table(List.of()))
        .isEqualTo(
            "no sandboxes or clone workspaces (start one with `corral run`, or"
                + " `corral run --workspace-mode clone`)\n");
  }
}
