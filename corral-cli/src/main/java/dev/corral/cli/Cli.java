package dev.corral.cli;

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
    CommandLine cl = new CommandLine(new RootCommand());
    cl.getCommandSpec().version(VersionCommand.describe(ctx.version()));
    // Everything after the command's name belongs to the command: `corral run ls -la`.
    cl.addSubcommand(new CommandLine(new RunCommand(ctx)).setStopAtPositional(true));
    cl.addSubcommand(new DoctorCommand(ctx));
    cl.addSubcommand(
        new CommandLine(new PolicyCommand())
            .addSubcommand(new PolicyCommand.Show(ctx))
            .addSubcommand(new PolicyChangeCommand.Allow(ctx))
            .addSubcommand(new PolicyChangeCommand.Deny(ctx))
            .addSubcommand(new PolicyTestCommand(ctx)));
    cl.addSubcommand(new CommandLine(new EgressCommand()).addSubcommand(new EgressLogCommand(ctx)));
    cl.addSubcommand(new TrustCommand(ctx));
    cl.addSubcommand(new VersionCommand(ctx.version()));
    cl.addSubcommand(new CompletionCommand());
    cl.addSubcommand(new CommandLine.HelpCommand());
    cl.getSubcommands()
        .values()
        .forEach(sub -> sub.getCommandSpec().version(VersionCommand.describe(ctx.version())));
    ErrorHandler errors = new ErrorHandler();
    cl.setExecutionExceptionHandler(errors);
    cl.setParameterExceptionHandler(errors);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }
}
