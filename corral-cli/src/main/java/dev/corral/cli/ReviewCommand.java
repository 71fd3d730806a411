package dev.corral.cli;

import dev.corral.workspace.Review;
import dev.corral.workspace.ReviewReport;
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
      report = Review.run(snapshot.changes(), ReviewConfig.settings(ctx));
    }
    var out = cl.getOut();
    switch (output.format) {
      case text -> out.print(report.text());
      case json -> out.print(report.json());
    }
    out.flush();
    return report.blocking() ? 1 : 0;
  }
}
