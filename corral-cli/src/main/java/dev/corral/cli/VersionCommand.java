package dev.corral.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code corral version}: Corral's and Java's version. */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description = "Print Corral's version and the Java runtime it runs on.")
final class VersionCommand implements Callable<Integer> {
  private final String version;

  @Spec
  @SuppressWarnings("NullAway.Init")
  CommandSpec spec;

  VersionCommand(String version) {
    this.version = version;
  }

  static String describe(String version) {
    return "corral " + version + " (java " + Runtime.version() + ")";
  }

  @Override
  public Integer call() {
    spec.commandLine().getOut().println(describe(version));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
