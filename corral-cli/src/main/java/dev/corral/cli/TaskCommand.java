package dev.corral.cli;

import dev.corral.api.TaskLimits;
import dev.corral.api.TaskRequest;
import dev.corral.api.TaskView;
import dev.corral.api.Transition;
import dev.corral.client.CorralClient;
import dev.corral.core.ResourceLimits;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code corral task}: headless tasks on a Corral server (the local one unless --server). */
@Command(
    name = "task",
    mixinStandardHelpOptions = true,
    description = {
      "Submit and follow headless agent tasks on a Corral server.",
      "Uses the local server (`corral server`) unless --server URL or $CORRAL_SERVER is given."
    })
final class TaskCommand implements Runnable {
  @Spec
  @SuppressWarnings("NullAway.Init")
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "missing subcommand: submit, ls, show, logs, attach, cancel, diff, review, merge, apply or"
            + " discard");
  }

  static CommandLine commandLine(CliContext ctx) {
    return new CommandLine(new TaskCommand())
        .addSubcommand(new Submit(ctx))
        .addSubcommand(new Ls(ctx))
        .addSubcommand(new Show(ctx))
        .addSubcommand(new TaskActions.Logs(ctx))
        .addSubcommand(new TaskAttach(ctx))
        .addSubcommand(new TaskActions.Cancel(ctx))
        .addSubcommand(new TaskActions.Diff(ctx))
        .addSubcommand(new TaskAirlockCommands.Review(ctx))
        .addSubcommand(new TaskAirlockCommands.Merge(ctx))
        .addSubcommand(new TaskAirlockCommands.Apply(ctx))
        .addSubcommand(new TaskAirlockCommands.Discard(ctx));
  }

  @Command(
      name = "submit",
      mixinStandardHelpOptions = true,
      description = {
        "Submit a task: run an agent with a prompt on a fresh clone of a repository.",
        "Prints the task id; with --follow, streams its log and exits with the agent's exit code."
      })
  static final class Submit implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin ServerOptions server = new ServerOptions();

    @Option(
        names = "--agent",
        required = true,
        description =
            "Agent preset (`corral agents`), e.g. claude; shell runs the prompt with sh -c.")
    String agent = "";

    @Option(names = "--prompt", required = true, description = "What the agent should do.")
    String prompt = "";

    @Option(
        names = "--repo",
        paramLabel = "PATH|URL",
        description =
            "Repository (absolute path on the server's host, or git URL; default: the working directory).")
    @Nullable String repo;

    @Option(names = "--ref", description = "Branch, tag or commit to start from (default: HEAD).")
    @Nullable String ref;

    @Option(names = "--backend", description = "Sandbox backend, e.g. native.")
    @Nullable String backend;

    @Option(
        names = "--allow",
        paramLabel = "RULE",
        description = "Egress rule allowed for this task (repeatable).")
    List<String> allow = new ArrayList<>();

    @Option(
        names = "--deny",
        paramLabel = "RULE",
        description = "Egress rule denied for this task (repeatable).")
    List<String> deny = new ArrayList<>();

    @Option(
        names = "--timeout",
        paramLabel = "DURATION",
        description = "Wall-clock limit, e.g. 30m or 90s.")
    @Nullable String timeout;

    @Option(names = "--memory", paramLabel = "SIZE", description = "Memory limit, e.g. 2g.")
    @Nullable String memory;

    @Option(
        names = "--artifact",
        paramLabel = "GLOB",
        description = "Keep workspace files matching GLOB (repeatable).")
    List<String> artifacts = new ArrayList<>();

    @Option(
        names = "--egress-ask",
        description =
            "Hold requests no rule decides and ask for approval (corral approvals) instead of denying them.")
    boolean egressAsk;

    @Option(
        names = "--no-terminal",
        description = {
          "Run the agent with pipes and a closed stdin instead of a terminal: plain logs, but its",
          "prompts open no approvals and nobody can answer them (default: a terminal)."
        })
    boolean noTerminal;

    @Option(
        names = {"-f", "--follow"},
        description = "Stream the log until the task ends.")
    boolean follow;

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    Submit(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      String repository = repo != null ? repo : ctx.workingDirectory().path().toString();
      if (repository.startsWith("./") || repository.equals(".") || repository.startsWith("../")) {
        repository = ctx.workingDirectory().path().resolve(repository).normalize().toString();
      }
      Long seconds =
          timeout == null
              ? null
              : LimitOptions.parse("--timeout", timeout, ResourceLimits::parseDuration).toSeconds();
      if (memory != null) {
        LimitOptions.parse("--memory", memory, ResourceLimits::parseSize);
      }
      TaskRequest request =
          new TaskRequest(
              repository,
              ref,
              agent,
              prompt,
              backend,
              allow,
              deny,
              memory == null ? null : new TaskLimits(memory, null, null),
              seconds,
              artifacts,
              egressAsk ? Boolean.TRUE : null,
              noTerminal ? Boolean.FALSE : null);
      CorralClient client = server.client(ctx);
      TaskView task = ServerOptions.call(() -> client.submit(request));
      PrintWriter out = spec.commandLine().getOut();
      out.println(task.id());
      out.flush();
      return follow ? TaskActions.Logs.follow(client, task.id(), spec.commandLine()) : 0;
    }
  }

  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List tasks, newest first.")
  static final class Ls implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin ServerOptions server = new ServerOptions();
    @Mixin OutputOption output = new OutputOption();

    @Option(names = "--state", description = "Only tasks in this state, e.g. running.")
    @Nullable String state;

    @Option(names = "--limit", description = "At most this many (default: ${DEFAULT-VALUE}).")
    int limit = 50;

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    Ls(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      CorralClient client = server.client(ctx);
      List<TaskView> tasks =
          ServerOptions.call(() -> client.tasks(Optional.ofNullable(state), limit));
      PrintWriter out = spec.commandLine().getOut();
      if (output.format == Format.json) {
        out.print(Json.pretty(tasks));
      } else {
        out.printf("%-18s  %-9s  %-8s  %-6s  %s%n", "ID", "STATE", "AGE", "AGENT", "REASON");
        Instant now = Instant.now();
        for (TaskView t : tasks) {
          out.printf(
              "%-18s  %-9s  %-8s  %-6s  %s%n",
              t.id(), t.state(), age(Instant.parse(t.created()), now), t.agent(), t.reason());
        }
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show a task, its history and results.")
  static final class Show implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin ServerOptions server = new ServerOptions();
    @Mixin OutputOption output = new OutputOption();

    @Parameters(paramLabel = "TASK", description = "Task id, e.g. t-3f9a0c1b2d4e5f60.")
    String id = "";

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    Show(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      CorralClient client = server.client(ctx);
      TaskView t = ServerOptions.call(() -> client.task(id));
      PrintWriter out = spec.commandLine().getOut();
      if (output.format == Format.json) {
        out.print(Json.pretty(t));
        out.flush();
        return 0;
      }
      out.println("id:        " + t.id());
      out.println("state:     " + t.state() + " (" + t.reason() + ")");
      out.println("repo:      " + t.repo() + (t.ref() == null ? "" : " @ " + t.ref()));
      out.println("agent:     " + t.agent());
      out.println("prompt:    " + t.prompt().lines().findFirst().orElse(""));
      out.println("branch:    " + t.branch());
      if (t.backend() != null) {
        out.println("sandbox:   " + t.sandbox() + " (" + t.backend() + ")");
      }
      if (t.exitCode() != null) {
        out.println("exit code: " + t.exitCode());
      }
      out.println("log:       " + t.logBytes() + " bytes");
      if (!t.artifacts().isEmpty()) {
        out.println("artifacts: " + String.join(", ", t.artifacts()));
      }
      if (!t.deniedHosts().isEmpty()) {
        out.println("denied:    " + String.join(", ", t.deniedHosts()));
      }
      if (TaskAirlockCommands.ENDED.contains(t.state())) {
        TaskAirlockCommands.summary(client, t.id()).ifPresent(r -> out.println("review:    " + r));
      }
      out.println("history:");
      for (Transition tr : t.history()) {
        out.println("  " + tr.at() + "  " + tr.to() + "  " + tr.reason());
      }
      out.flush();
      return 0;
    }
  }

  static String age(Instant then, Instant now) {
    Duration d = Duration.between(then, now);
    if (d.toSeconds() < 60) {
      return Math.max(0, d.toSeconds()) + "s";
    }
    if (d.toMinutes() < 60) {
      return d.toMinutes() + "m";
    }
    if (d.toHours() < 48) {
      return d.toHours() + "h";
    }
    return d.toDays() + "d";
  }
}
