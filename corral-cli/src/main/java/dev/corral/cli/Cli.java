package dev.corral.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * Builds the {@code corral} command line. Callers may replace its writers ({@link
 * CommandLine#setOut}, {@link CommandLine#setErr}) before {@link CommandLine#execute}, which
 * returns the exit code; all output goes through those writers.
 */
public final class Cli {
  private Cli() {}

  /** The root command with every subcommand, error handling and version wired in. */
  public static CommandLine commandLine(CliContext ctx) {
    return commandLine(ctx, List.of());
  }

  /**
   * The command line for {@code args}: picocli builds the model of every command it is given before
   * it parses anything, and that is most of Corral's start-up time, so only the command that {@code
   * args} name is built (all of them when the arguments need the whole tree: no or an unknown
   * command, {@code help}, {@code completion}, root {@code --help}).
   */
  public static CommandLine commandLine(CliContext ctx, List<String> args) {
    return commandLine(ctx, args, Map.of());
  }

  /**
   * As {@link #commandLine(CliContext, List)}, plus commands built outside this module (e.g. {@code
   * server}, which needs the server and the store that only the app wires).
   */
  public static CommandLine commandLine(
      CliContext ctx, List<String> args, Map<String, Supplier<CommandLine>> extra) {
    CommandLine cl = new CommandLine(new RootCommand());
    cl.getCommandSpec().version(VersionCommand.describe(ctx.version()));
    Map<String, Supplier<CommandLine>> commands = commands(ctx);
    commands.putAll(extra);
    String named = args.stream().filter(a -> !a.startsWith("-")).findFirst().orElse(null);
    boolean versionOnly =
        named == null
            && (args.contains("--version") || args.contains("-V"))
            && !args.contains("--help")
            && !args.contains("-h");
    Supplier<CommandLine> one =
        named == null || WHOLE_TREE.contains(named) ? null : commands.get(named);
    if (one != null) {
      cl.addSubcommand(one.get());
    } else if (!versionOnly) {
      commands.values().forEach(c -> cl.addSubcommand(c.get()));
    }
    cl.getSubcommands()
        .values()
        .forEach(sub -> sub.getCommandSpec().version(VersionCommand.describe(ctx.version())));
    ErrorHandler errors = new ErrorHandler();
    cl.setExecutionExceptionHandler(errors);
    cl.setParameterExceptionHandler(errors);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  /** Commands that look at the whole command tree. */
  private static final Set<String> WHOLE_TREE = Set.of("help", "completion");

  private static Map<String, Supplier<CommandLine>> commands(CliContext ctx) {
    Map<String, Supplier<CommandLine>> commands = new LinkedHashMap<>();
    // Everything after the command's name belongs to the command: `corral run ls -la`.
    commands.put("run", () -> new CommandLine(new RunCommand(ctx)).setStopAtPositional(true));
    commands.put("login", () -> new CommandLine(new LoginCommand(ctx)).setStopAtPositional(true));
    commands.put("agents", () -> new CommandLine(new AgentsCommand(ctx)));
    commands.put("doctor", () -> new CommandLine(new DoctorCommand(ctx)));
    commands.put(
        "policy",
        () ->
            new CommandLine(new PolicyCommand())
                .addSubcommand(new PolicyCommand.Show(ctx))
                .addSubcommand(new PolicyChangeCommand.Allow(ctx))
                .addSubcommand(new PolicyChangeCommand.Deny(ctx))
                .addSubcommand(new PolicyTestCommand(ctx)));
    commands.put(
        "egress",
        () -> new CommandLine(new EgressCommand()).addSubcommand(new EgressLogCommand(ctx)));
    commands.put("ls", () -> new CommandLine(new LsCommand(ctx)));
    commands.put("diff", () -> new CommandLine(new DiffCommand(ctx)));
    commands.put("review", () -> new CommandLine(new ReviewCommand(ctx)));
    commands.put("merge", () -> new CommandLine(new MergeCommand(ctx)));
    commands.put("apply", () -> new CommandLine(new ApplyCommand(ctx)));
    commands.put("rm", () -> new CommandLine(new RmCommand(ctx)));
    commands.put("trust", () -> new CommandLine(new TrustCommand(ctx)));
    commands.put("task", () -> TaskCommand.commandLine(ctx));
    commands.put("approvals", () -> new CommandLine(new ApprovalCommands.Ls(ctx)));
    commands.put("approve", () -> new CommandLine(new ApprovalCommands.Approve(ctx)));
    commands.put("deny", () -> new CommandLine(new ApprovalCommands.Deny(ctx)));
    commands.put("answer", () -> new CommandLine(new ApprovalCommands.Text(ctx)));
    commands.put("version", () -> new CommandLine(new VersionCommand(ctx.version())));
    commands.put("completion", () -> new CommandLine(new CompletionCommand()));
    commands.put("help", () -> new CommandLine(new CommandLine.HelpCommand()));
    return commands;
  }
}
