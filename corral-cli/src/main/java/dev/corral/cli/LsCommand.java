package dev.corral.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.corral.core.ExitCodes;
import dev.corral.workspace.WorkspaceInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code corral ls}: the clone workspaces, with branch, ahead/behind and changed files. */
@Command(
    name = "ls",
    mixinStandardHelpOptions = true,
    description = {
      "List clone sandboxes: state, branch, commits ahead of and behind your HEAD, changed files."
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

  @Override
  public Integer call() throws InterruptedException {
    var cl = spec.commandLine();
    WorkspaceRecovery.recover(ctx, cl, RootCommand.debug(spec));
    List<WorkspaceInfo> all = ctx.workspaces().list();
    var out = cl.getOut();
    switch (output.format) {
      case text -> out.print(table(all));
      case json -> {
        ArrayNode list = Json.MAPPER.createArrayNode();
        for (WorkspaceInfo w : all) {
          var node =
              list.addObject()
                  .put("name", w.name())
                  .put("state", w.state())
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
        out.print(Json.pretty(list));
      }
    }
    out.flush();
    return ExitCodes.OK;
  }

  static String table(List<WorkspaceInfo> all) {
    if (all.isEmpty()) {
      return "no clone workspaces (start one with `corral run --workspace-mode clone`)\n";
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"NAME", "STATE", "BRANCH", "AHEAD", "BEHIND", "FILES", "COMMAND"});
    for (WorkspaceInfo w : all) {
      rows.add(
          new String[] {
            w.name(),
            w.state(),
            w.branch(),
            w.ahead() < 0 ? "?" : Integer.toString(w.ahead()),
            w.behind() < 0 ? "?" : Integer.toString(w.behind()),
            Integer.toString(w.changedFiles()),
            w.command()
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
