package dev.corral.cli;

import dev.corral.core.ExitCodes;
import dev.corral.workspace.Snapshot;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code corral diff NAME}: what a clone sandbox changed relative to where it started. */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description = {
      "Show what a clone sandbox changed since it started (its saved branch against its base).",
      "Control characters are shown as \\xNN; the diff stops after --max-size."
    })
final class DiffCommand implements Callable<Integer> {
  /** Default cap of the printed diff. */
  static final long DEFAULT_MAX = 16L << 20;

  private final CliContext ctx;

  @Parameters(paramLabel = "NAME", description = "The sandbox's name (see corral ls).")
  String name = "";

  @Option(names = "--stat", description = "Only changed files with added and removed lines.")
  boolean stat;

  @Option(
      names = "--max-size",
      paramLabel = "SIZE",
      description = "Stop the diff after this much output, e.g. 64m (default: 16m).")
  String maxSize = "16m";

  @Spec
  @SuppressWarnings("NullAway.Init")
  CommandSpec spec;

  DiffCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    var cl = spec.commandLine();
    WorkspaceRecovery.recover(ctx, cl, RootCommand.debug(spec));
    PrintWriter out = cl.getOut();
    if (ctx.workspaces().running(name)) {
      cl.getErr().println("corral: " + name + " is still running; its work is saved when it stops");
    }
    try (Snapshot snapshot = ctx.workspaces().snapshot(name)) {
      if (stat) {
        out.print(stat(snapshot.stat()));
      } else {
        long cap =
            LimitOptions.parse("--max-size", maxSize, dev.corral.core.ResourceLimits::parseSize);
        ByteArrayOutputStream diff = new ByteArrayOutputStream();
        boolean cut = snapshot.writeDiff(diff, cap);
        out.print(diff.toString(StandardCharsets.UTF_8));
        if (cut) {
          cl.getErr()
              .println(
                  "corral: the diff is longer than "
                      + maxSize
                      + " and was cut; see `corral diff "
                      + name
                      + " --stat`, or raise --max-size");
        }
      }
    }
    out.flush();
    cl.getErr().flush();
    return ExitCodes.OK;
  }

  static String stat(List<Snapshot.FileStat> files) {
    StringBuilder s = new StringBuilder();
    int width = files.stream().mapToInt(f -> f.path().length()).max().orElse(0);
    long added = 0;
    long removed = 0;
    for (Snapshot.FileStat f : files) {
      s.append(' ').append(f.path()).append(" ".repeat(width - f.path().length())).append(" | ");
      s.append(f.binary() ? "binary" : "+" + f.added() + " -" + f.removed()).append('\n');
      added += f.added();
      removed += f.removed();
    }
    s.append(' ')
        .append(files.size())
        .append(files.size() == 1 ? " file" : " files")
        .append(" changed, ")
        .append(added)
        .append(" insertions(+), ")
        .append(removed)
        .append(" deletions(-)\n");
    return s.toString();
  }
}
