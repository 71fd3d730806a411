package dev.corral.cli;

import dev.corral.core.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code corral doctor}: what this host can run, and how to fix what it cannot. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description = {
      "Check which sandbox backends can run on this host, and how to fix those that cannot.",
      "Exits with 0 when some backend can run, 4 otherwise."
    })
final class DoctorCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Mixin OutputOption output = new OutputOption();

  @Spec
  @SuppressWarnings("NullAway.Init")
  CommandSpec spec;

  DoctorCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    var engine = ctx.engines().apply(new EventRenderer(spec.commandLine().getErr(), false));
    DoctorReport report = DoctorReport.of(engine.doctor());
    var out = spec.commandLine().getOut();
    out.print(
        switch (output.format) {
          case text -> report.text();
          case json -> report.json();
        });
    out.flush();
    return report.selected() == null ? ExitCodes.ENVIRONMENT : ExitCodes.OK;
  }
}
