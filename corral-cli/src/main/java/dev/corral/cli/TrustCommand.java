package dev.corral.cli;

import dev.corral.core.ExitCodes;
import dev.corral.core.ProjectTrust;
import dev.corral.core.UsageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code corral trust}: review and trust the project's {@code corral.toml}. */
@Command(
    name = "trust",
    mixinStandardHelpOptions = true,
    description = {
      "Review and trust this workspace's corral.toml.",
      "",
      "An agent can edit files in its workspace, so the parts of corral.toml that widen the"
          + " sandbox ([network] allow and resolve, [filesystem] mounts) apply only while the"
          + " file is exactly what you trusted. Shows what changed since you last trusted it"
          + " (the whole file the first time), then asks."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:trusted, or nothing to trust",
      "1:you declined",
      "2:no terminal to ask on and no --yes"
    })
final class TrustCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Option(
      names = {"-y", "--yes"},
      description = "Trust the content shown without asking (for scripts).")
  boolean yes;

  @Spec
  @SuppressWarnings("NullAway.Init")
  CommandSpec spec;

  TrustCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    ProjectTrust.Status status = ctx.trust().status(ctx.workingDirectory());
    PrintWriter out = spec.commandLine().getOut();
    if (status.current().isEmpty()) {
      out.println("no corral.toml in " + ctx.workingDirectory() + ": nothing to trust");
      out.flush();
      return ExitCodes.OK;
    }
    String content = status.current().get();
    if (status.upToDate()) {
      out.println(status.file() + " is trusted; it has not changed since");
      out.flush();
      return ExitCodes.OK;
    }
    if (status.trusted().isEmpty()) {
      out.println(status.file() + " has never been trusted. Its content:");
    } else {
      out.println(status.file() + " changed since you trusted it:");
    }
    LineDiff.of(status.trusted().orElse(""), content).forEach(out::println);
    out.println();
    out.flush();
    if (!yes && !confirmed(out)) {
      out.println("not trusted; its network rules and mounts stay ignored");
      out.flush();
      return 1;
    }
    ctx.trust().trust(ctx.workingDirectory(), content);
    out.println(
        "trusted "
            + status.file()
            + "; sandboxes on this workspace now use its network rules and mounts"
            + " (running ones for new connections)");
    out.flush();
    return ExitCodes.OK;
  }

  private boolean confirmed(PrintWriter out) {
    if (!ctx.streams().terminal()) {
      throw new UsageException(
          "not trusting corral.toml without confirmation: standard input is not a terminal",
          "review the change above, then run `corral trust --yes`");
    }
    out.print("Trust this content? [y/N] ");
    out.flush();
    try {
      String answer =
          new BufferedReader(new InputStreamReader(ctx.streams().in(), StandardCharsets.UTF_8))
              .readLine();
      return answer != null && answer.strip().toLowerCase(Locale.ROOT).startsWith("y");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
