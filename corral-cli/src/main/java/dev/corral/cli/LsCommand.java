package dev.corral.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.core.ExitCodes;
import dev.corral.core.SandboxSummary;
import dev.corral.workspace.WorkspaceInfo;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code corral ls}: the sandboxes of every backend ({@code Engine.list()}) and the clone
 * workspaces, joined by sandbox name, so a running clone sandbox is one row with both.
 */
@Command(
    name = "ls",
    mixinStandardHelpOptions = true,
    description = {
      "List sandboxes of every backend and clone workspaces, one row per name.",
      "Columns: state, backend, and for clone workspaces the branch, commits ahead of and",
      "behind your HEAD, and changed files. A sandbox's state wins over its workspace's."
    })
final class LsCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Mixin OutputOption output = new OutputOption();

  @Spec
  @SuppressWarnings("NullAway.Init")
  CommandSpec spec;

  LsCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  /**
   * One name: its sandbox, its clone workspace, or both.
   *
   * @param name the sandbox's name
   * @param sandbox as a backend lists it, if it exists
   * @param workspace its clone workspace, if it has one
   */
  record Row(String name, Optional<SandboxSummary> sandbox, Optional<WorkspaceInfo> workspace) {
    String state() {
      return sandbox.map(SandboxSummary::state).orElseGet(() -> workspace.orElseThrow().state());
    }

    String created() {
      return sandbox
          .map(s -> s.created().truncatedTo(ChronoUnit.SECONDS).toString())
          .orElseGet(() -> workspace.orElseThrow().created());
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    var cl = spec.commandLine();
    WorkspaceRecovery.recover(ctx, cl, RootCommand.debug(spec));
    List<WorkspaceInfo> workspaces = ctx.workspaces().list();
    List<SandboxSummary> sandboxes =
        ctx.engines().apply(new EventRenderer(cl.getErr(), RootCommand.debug(spec))).list();
    List<Row> rows = join(sandboxes, workspaces);
    var out = cl.getOut();
    switch (output.format) {
      case text -> out.print(table(rows));
      case json -> out.print(Json.pretty(json(rows)));
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** One row per name, sorted by name. */
  static List<Row> join(List<SandboxSummary> sandboxes, List<WorkspaceInfo> workspaces) {
    Map<String, SandboxSummary> byName = new TreeMap<>();
    sandboxes.forEach(s -> byName.put(s.id().value(), s));
    Map<String, WorkspaceInfo> clones = new TreeMap<>();
    workspaces.forEach(w -> clones.put(w.name(), w));
    TreeMap<String, Row> rows = new TreeMap<>();
    for (String name : byName.keySet()) {
      rows.put(
          name,
          new Row(name, Optional.of(byName.get(name)), Optional.ofNullable(clones.get(name))));
    }
    clones.forEach(
        (name, w) -> rows.putIfAbsent(name, new Row(name, Optional.empty(), Optional.of(w))));
    return List.copyOf(rows.values());
  }

  private static ArrayNode json(List<Row> rows) {
    ArrayNode list = Json.MAPPER.createArrayNode();
    for (Row row : rows) {
      ObjectNode node = list.addObject().put("name", row.name()).put("state", row.state());
      node.put("created", row.created());
      row.sandbox()
          .ifPresentOrElse(
              s -> {
                ObjectNode sandbox =
                    node.putObject("sandbox")
                        .put("backend", s.backend())
                        .put("state", s.state())
                        .put("created", s.created().toString());
                ObjectNode details = sandbox.putObject("details");
                new TreeMap<>(s.details()).forEach(details::put);
              },
              () -> node.putNull("sandbox"));
      row.workspace()
          .ifPresentOrElse(
              w -> workspace(node.putObject("workspace"), w), () -> node.putNull("workspace"));
    }
    return list;
  }

  private static void workspace(ObjectNode node, WorkspaceInfo w) {
    node.put("state", w.state())
        .put("branch", w.branch())
        .put("repo", w.repo())
        .put("base", w.base())
        .put("tip", w.tip())
        .put("command", w.command())
        .put("created", w.created())
        .put("changedFiles", w.changedFiles());
    if (w.ahead() >= 0) {
      node.put("ahead", w.ahead()).put("behind", w.behind());
    } else {
      node.putNull("ahead").putNull("behind");
    }
  }

  static String table(List<Row> all) {
    if (all.isEmpty()) {
      return "no sandboxes or clone workspaces (start one with `corral run`, or"
          + " `corral run --workspace-mode clone`)\n";
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "NAME", "STATE", "BACKEND", "BRANCH", "AHEAD", "BEHIND", "FILES", "COMMAND", "CREATED"
        });
    for (Row row : all) {
      Optional<WorkspaceInfo> w = row.workspace();
      rows.add(
          new String[] {
            row.name(),
            row.state(),
            row.sandbox().map(SandboxSummary::backend).orElse("-"),
            w.map(WorkspaceInfo::branch).orElse("-"),
            w.map(x -> x.ahead() < 0 ? "?" : Integer.toString(x.ahead())).orElse("-"),
            w.map(x -> x.behind() < 0 ? "?" : Integer.toString(x.behind())).orElse("-"),
            w.map(x -> Integer.toString(x.changedFiles())).orElse("-"),
            w.map(WorkspaceInfo::command).orElse("-"),
            row.created()
          });
    }
    int[] width = new int[rows.getFirst().length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder s = new StringBuilder();
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        s.append(i == row.length - 1 ? row[i] : String.format("%-" + (width[i] + 2) + "s", row[i]));
      }
      s.append('\n');
    }
    return s.toString();
  }
}
