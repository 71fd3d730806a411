package dev.corral.cli;

import dev.corral.core.BackendProvider;
import dev.corral.core.ConfigSource;
import dev.corral.core.CorralConfig;
import dev.corral.core.CorralDirs;
import dev.corral.core.EgressAdmin;
import dev.corral.core.EgressPort;
import dev.corral.core.HostPath;
import dev.corral.core.ProjectTrust;
import dev.corral.engine.Engine;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/** Runs {@code corral} in process against fake backends and captures exit code and output. */
final class CliHarness {
  final Path workdir;
  List<BackendProvider> providers;
  ConfigSource config = workspace -> CorralConfig.DEFAULT;
  Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/user");
  String input = "";
  EgressAdmin egress = new FakeEgressAdmin();
  EgressPort gateway = EgressPort.UNAVAILABLE;
  ProjectTrust trust = new FakeProjectTrust();
  boolean terminal;

  CliHarness(Path workdir, BackendProvider... providers) {
    this.workdir = workdir;
    this.providers = List.of(providers);
  }

  /** The outcome of one {@code corral} invocation. */
  record Result(int code, String out, String err) {}

  Result run(String... args) {
    CorralDirs dirs = CorralDirs.from(Map.of(), HostPath.of(workdir.resolve("home")));
    var streams =
        new CliStreams(
            new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), false, terminal);
    var ctx =
        new CliContext(
            events -> new Engine(providers, dirs, events, gateway),
            config,
            egress,
            trust,
            HostPath.of(workdir),
            env,
            streams,
            "0.1.0",
            dirs,
            new dev.corral.workspace.Workspaces(dirs));
    // The production path: only the commands the arguments name are built.
    CommandLine cl = Cli.commandLine(ctx, java.util.List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }
}
