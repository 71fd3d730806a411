package dev.corral.cli;

import dev.corral.api.LogEnd;
import dev.corral.api.TaskView;
import dev.corral.client.CorralClient;
import dev.corral.core.ExitCodes;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code corral task} commands that act on one task: logs, cancel, diff ({@link
 * TaskAirlockCommands} has review, merge and apply).
 */
final class TaskActions {
  private TaskActions() {}

  @Command(
      name = "logs",
      mixinStandardHelpOptions = true,
      description = {
        "Print a task's log; with -f, follow it until the task ends.",
        "With -f the exit code is the agent's (124: timed out, 130: cancelled)."
      })
  static final class Logs implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin ServerOptions server = new ServerOptions();

    @Parameters(paramLabel = "TASK", description = "Task id.")
    String id = "";

    @Option(
        names = {"-f", "--follow"},
        description = "Keep printing until the task ends.")
    boolean follow;

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    Logs(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      CorralClient client = server.client(ctx);
      if (follow) {
        return follow(client, id, spec.commandLine());
      }
      PrintWriter out = spec.commandLine().getOut();
      out.print(ServerOptions.call(() -> client.log(id, 0)));
      out.flush();
      return 0;
    }

    /** Streams the log to stdout; returns the agent's exit code (or one for how it ended). */
    static int follow(CorralClient client, String id, CommandLine cl) {
      PrintWriter out = cl.getOut();
      LogEnd end =
          ServerOptions.call(
              () ->
                  client.follow(
                      id,
                      0,
                      chunk -> {
                        out.print(chunk.text());
                        out.flush();
                      }));
      return exitCode(end.state(), end.exitCode());
    }

    /** The exit code a command that waited for {@code task} to end gives. */
    static int exitCode(dev.corral.api.TaskView task) {
      return exitCode(task.state(), task.exitCode());
    }

    private static int exitCode(String state, @Nullable Integer exit) {
      return switch (state) {
        case "succeeded" -> 0;
        case "timed_out" -> ExitCodes.TIMEOUT;
        case "cancelled" -> 130;
        default -> exit != null && exit != 0 ? exit : ExitCodes.SANDBOX_FAILURE;
      };
    }
  }

  @Command(
      name = "cancel",
      mixinStandardHelpOptions = true,
      description = "Cancel a task that has not ended.")
  static final class Cancel implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin ServerOptions server = new ServerOptions();

    @Parameters(paramLabel = "TASK", description = "Task id.")
    String id = "";

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    Cancel(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      CorralClient client = server.client(ctx);
      TaskView task = ServerOptions.call(() -> client.cancel(id));
      spec.commandLine().getOut().println(task.id() + " " + task.state());
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(
      name = "diff",
      mixinStandardHelpOptions = true,
      description = "Print the diff of a task's branch.")
  static final class Diff implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin ServerOptions server = new ServerOptions();

    @Parameters(paramLabel = "TASK", description = "Task id.")
    String id = "";

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    Diff(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      CorralClient client = server.client(ctx);
      spec.commandLine().getOut().print(ServerOptions.call(() -> client.diff(id)));
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
