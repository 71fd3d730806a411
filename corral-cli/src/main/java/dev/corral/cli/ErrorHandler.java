package dev.corral.cli;

import dev.corral.core.CorralException;
import dev.corral.core.ExitCodes;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Renders every failure as one line {@code corral: error: ...} (plus a hint) and maps it to an exit
 * code. Stack traces only with {@code --debug}.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

  @Override
  public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
    PrintWriter err = cl.getErr();
    boolean debug = RootCommand.debug(parsed);
    int code;
    if (ex instanceof CorralException e) {
      err.println("corral: error: " + e.getMessage());
      e.hint().ifPresent(hint -> err.println("  hint: " + hint));
      code = ExitCodes.of(e);
    } else {
      err.println(
          "corral: internal error: " + ex + (debug ? "" : " (run with --debug for details)"));
      code = ExitCodes.SANDBOX_FAILURE;
    }
    if (debug) {
      ex.printStackTrace(err);
    }
    err.flush();
    return code;
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println("corral: error: " + ex.getMessage());
    List<String> suggestions =
        ex instanceof UnmatchedArgumentException u ? u.getSuggestions() : List.of();
    if (!suggestions.isEmpty()) {
      err.println("  hint: did you mean " + String.join(" or ", suggestions) + "?");
    }
    err.println("  hint: see '" + cl.getCommandSpec().qualifiedName() + " --help'");
    err.flush();
    return ExitCodes.USAGE;
  }
}
