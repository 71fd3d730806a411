package dev.corral.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.corral.workspace.Review;
import dev.corral.workspace.ReviewReport;
import dev.corral.workspace.ReviewSettings;
import dev.corral.workspace.Snapshot;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code corral review NAME}: runs the review checks over a clone sandbox's changes. Renders the
 * report; the checks themselves are {@link Review}'s.
 */
@Command(
    name = "review",
    mixinStandardHelpOptions = true,
    description = {
      "Check a clone sandbox's changes for tricks: symlinks, hooks, auto-run files, secrets.",
      "Exits with 1 when a finding blocks the merge, 0 otherwise."
    })
final class ReviewCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Parameters(paramLabel = "NAME", description = "The sandbox's name (see corral ls).")
  String name = "";

  @Mixin OutputOption output = new OutputOption();

  @Spec
  @SuppressWarnings("NullAway.Init")
  CommandSpec spec;

  ReviewCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    var cl = spec.commandLine();
    WorkspaceRecovery.recover(ctx, cl, RootCommand.debug(spec));
    ReviewReport report;
    try (Snapshot snapshot = ctx.workspaces().snapshot(name)) {
      report = Review.run(snapshot.changes(), ReviewSettings.defaults());
    }
    var out = cl.getOut();
    switch (output.format) {
      case text -> {
        for (ReviewReport.Finding f : report.findings()) {
          out.println(
              f.severity().name().toLowerCase(java.util.Locale.ROOT)
                  + "  "
                  + f.path()
                  + (f.line() > 0 ? ":" + f.line() : "")
                  + "  "
                  + f.message());
        }
        out.println(
            report.findings().isEmpty()
                ? "no findings"
                : report.findings().size()
                    + " finding(s)"
                    + (report.blocking() ? ", blocking" : ""));
      }
      case json -> {
        ArrayNode findings = Json.MAPPER.createArrayNode();
        for (ReviewReport.Finding f : report.findings()) {
          findings
              .addObject()
              .put("severity", f.severity().name().toLowerCase(java.util.Locale.ROOT))
              .put("check", f.check())
              .put("path", f.path())
              .put("line", f.line())
              .put("message", f.message());
        }
        var root = Json.object().put("name", name).put("blocking", report.blocking());
        root.set("findings", findings);
        out.print(Json.pretty(root));
      }
    }
    out.flush();
    return report.blocking() ? 1 : 0;
  }
}
