package dev.corral.app;

import dev.corral.cli.Cli;
import dev.corral.cli.CliContext;
import dev.corral.cli.CliStreams;
import dev.corral.core.CorralDirs;
import dev.corral.core.HostPath;
import dev.corral.engine.Engine;
import dev.corral.workspace.Workspaces;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;

/**
 * The {@code corral} executable: wires the engine (with every backend on the class path), the TOML
 * configuration and the command line together, runs the command and exits with its code.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    quietLibraryLogging();
    CommandLine cl =
        commandLine(
            CorralDirs.current(),
            System.getenv(),
            HostPath.of(System.getProperty("user.dir")),
            CliStreams.system(),
            List.of(args));
    System.exit(cl.execute(args));
  }

  /** The fully wired command line, with every command. */
  static CommandLine commandLine(
      CorralDirs dirs, Map<String, String> env, HostPath workingDirectory, CliStreams streams) {
    return commandLine(dirs, env, workingDirectory, streams, List.of());
  }

  /**
   * The fully wired command line for {@code args} (only the commands they need are built); backends
   * load only when a command needs them.
   */
  static CommandLine commandLine(
      CorralDirs dirs,
      Map<String, String> env,
      HostPath workingDirectory,
      CliStreams streams,
      List<String> args) {
    TomlConfigSource config = TomlConfigSource.of(dirs);
    ApproverSlot approver = new ApproverSlot();
    GatewayEgress egress = new GatewayEgress(dirs, config, approver);
    // The audit log is written by a background thread; flush it on the way out.
    Runtime.getRuntime().addShutdownHook(new Thread(egress::close, "corral-egress-shutdown"));
    ConfigEgressAdmin admin = new ConfigEgressAdmin(dirs, config, egress);
    var ctx =
        new CliContext(
            events -> Engine.load(dirs, events, egress),
            config,
            admin,
            config.trust(),
            workingDirectory,
            env,
            streams,
            version(),
            dirs,
            new Workspaces(dirs));
    return Cli.commandLine(
        ctx,
        args,
        Map.of("server", () -> ServerCommand.commandLine(dirs, egress, admin, config, approver)));
  }

  /** The version Maven wrote into {@code version.properties} at build time. */
  static String version() {
    try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Library logs go through java.util.logging, whose default writes INFO and above to stderr. The
   * CLI reports what users need itself, so only warnings from libraries get through, and JLine's
   * terminal fallbacks (which Corral reports on its own) not at all.
   */
  private static void quietLibraryLogging() {
    Logger.getLogger("").setLevel(Level.WARNING);
    Logger.getLogger("org.jline").setLevel(Level.OFF);
  }
}
