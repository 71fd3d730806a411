package dev.corral.cli;

import dev.corral.api.ApplyResult;
import dev.corral.api.FindingView;
import dev.corral.api.MergeResult;
import dev.corral.api.ReviewView;
import dev.corral.client.CorralApiException;
import dev.corral.client.CorralClient;
import dev.corral.workspace.Finding;
import dev.corral.workspace.ReviewReport;
import dev.corral.workspace.Severity;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The review airlock of a server task: {@code corral task review|merge|apply|discard TASK}, the
 * remote counterparts of {@code corral review|merge|apply|rm NAME}.
 */
final class TaskAirlockCommands {
  static final Set<String> ENDED = Set.of("succeeded", "failed", "cancelled", "timed_out");

  private TaskAirlockCommands() {}

  /** One line about a task's review, e.g. {@code 1 block, 0 warn, 2 info (blocking)}. */
  static Optional<String> summary(CorralClient client, String id) {
    try {
      ReviewView r = client.review(id);
      long block = r.findings().stream().filter(f -> f.severity().equals("block")).count();
      long warn = r.findings().stream().filter(f -> f.severity().equals("warn")).count();
      return Optional.of(
          r.files()
              + " files, "
              + block
              + " block, "
              + warn
              + " warn, "
              + (r.findings().size() - block - warn)
              + " info"
              + (r.blocking() ? " - blocking: merge needs --accept-risk" : ""));
    } catch (CorralApiException e) {
      return Optional.empty(); // no saved work (yet)
    }
  }

  /** The wire review as the workspace report, so both print exactly like {@code corral review}. */
  static ReviewReport report(ReviewView view) {
    return new ReviewReport(
        view.findings().stream().map(TaskAirlockCommands::finding).toList(),
        view.notes(),
        view.files(),
        0);
  }

  private static Finding finding(FindingView f) {
    return new Finding(
        Severity.valueOf(f.severity().toUpperCase(Locale.ROOT)),
        f.check(),
        f.path(),
        f.line(),
        f.message(),
        f.hint());
  }

  @Command(
      name = "review",
      mixinStandardHelpOptions = true,
      description = {
        "Print the review findings of a task's changes (severity, check, path:line, message).",
        "Exit code 1 when a finding blocks merge and apply."
      })
  static final class Review implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin ServerOptions server = new ServerOptions();
    @Mixin OutputOption output = new OutputOption();

    @Parameters(paramLabel = "TASK", description = "Task id.")
    String id = "";

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    Review(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      CorralClient client = server.client(ctx);
      ReviewView view = ServerOptions.call(() -> client.review(id));
      PrintWriter out = spec.commandLine().getOut();
      out.print(output.format == Format.json ? Json.pretty(view) : report(view).text());
      out.flush();
      return view.blocking() ? 1 : 0;
    }
  }

  @Command(
      name = "merge",
      mixinStandardHelpOptions = true,
      description = {
        "Merge a task's branch corral/TASK into the current branch of its source repository.",
        "Refuses, changing nothing, on blocking review findings (without --accept-risk),",
        "uncommitted changes or conflicts there, or a task from a git URL."
      })
  static final class Merge implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin ServerOptions server = new ServerOptions();

    @Parameters(paramLabel = "TASK", description = "Task id.")
    String id = "";

    @Option(names = "--squash", description = "One commit instead of a merge commit.")
    boolean squash;

    @Option(
        names = "--accept-risk",
        description =
            "Merge despite blocking review findings; they are recorded in the commit message.")
    boolean acceptRisk;

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    Merge(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      CorralClient client = server.client(ctx);
      MergeResult merged = ServerOptions.call(() -> client.merge(id, squash, acceptRisk));
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "merged "
              + merged.branch()
              + " into "
              + merged.repo()
              + " as "
              + merged.commit().substring(0, Math.min(12, merged.commit().length())));
      if (!merged.acceptedRisk().isEmpty()) {
        out.println(
            "accepted "
                + merged.acceptedRisk().size()
                + " blocking review finding(s); recorded in the commit message");
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description = {
        "Write a task's changes into the working tree of its source repository, unstaged.",
        "Same refusals as merge; prints the paths written."
      })
  static final class Apply implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin ServerOptions server = new ServerOptions();

    @Parameters(paramLabel = "TASK", description = "Task id.")
    String id = "";

    @Option(names = "--accept-risk", description = "Apply despite blocking review findings.")
    boolean acceptRisk;

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    Apply(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      CorralClient client = server.client(ctx);
      ApplyResult applied = ServerOptions.call(() -> client.apply(id, acceptRisk));
      PrintWriter out = spec.commandLine().getOut();
      applied.paths().forEach(out::println);
      out.flush();
      spec.commandLine()
          .getErr()
          .println(
              "corral: applied "
                  + applied.paths().size()
                  + " path(s) to "
                  + applied.repo()
                  + ", unstaged; review with `git diff`");
      spec.commandLine().getErr().flush();
      return 0;
    }
  }

  @Command(
      name = "discard",
      mixinStandardHelpOptions = true,
      description = {
        "Remove an ended task's workspace: its clone, branch corral/TASK and the refs Corral keeps",
        "in the source repository (like `corral rm TASK`); its log, diff and review stay."
      })
  static final class Discard implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin ServerOptions server = new ServerOptions();

    @Parameters(paramLabel = "TASK", description = "Task id.")
    String id = "";

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    Discard(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      CorralClient client = server.client(ctx);
      ServerOptions.call(
          () -> {
            client.discard(id);
            return id;
          });
      spec.commandLine().getErr().println("corral: discarded the workspace of " + id);
      spec.commandLine().getErr().flush();
      return 0;
    }
  }
}
