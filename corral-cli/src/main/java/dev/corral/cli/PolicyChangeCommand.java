package dev.corral.cli;

import dev.corral.core.EgressAdmin;
import dev.corral.core.EgressAdmin.Action;
import dev.corral.core.EgressAdmin.Change;
import dev.corral.core.EgressAdmin.Scope;
import dev.corral.core.ExitCodes;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code corral policy allow RULE} and {@code corral policy deny RULE}. */
abstract class PolicyChangeCommand implements Callable<Integer> {
  private final CliContext ctx;
  private final Action action;

  @Parameters(
      paramLabel = "RULE",
      description = {
        "HOST[:PORT] (default ports 80 and 443; :* for any), *.DOMAIN for its subdomains",
        "(not DOMAIN itself), @BUNDLE (e.g. @github, @pypi), [METHODS ]HOST[:PORT]/PATH for",
        "plain HTTP only, private:HOST to let HOST resolve to a private address."
      })
  String rule = "";

  @Option(
      names = "--project",
      description = "Write to the workspace's corral.toml instead of ~/.config/corral/config.toml.")
  boolean project;

  @Spec
  @SuppressWarnings("NullAway.Init")
  CommandSpec spec;

  PolicyChangeCommand(CliContext ctx, Action action) {
    this.ctx = ctx;
    this.action = action;
  }

  @Override
  public Integer call() {
    Change change =
        ctx.egress()
            .add(ctx.workingDirectory(), project ? Scope.PROJECT : Scope.USER, action, rule);
    PrintWriter out = spec.commandLine().getOut();
    String where = "[network] " + action.word() + " in " + change.file();
    if (!change.changed()) {
      out.println("\"" + change.rule().text() + "\" is already in " + where + "; nothing changed");
    } else {
      out.println(
          "added \""
              + change.rule().text()
              + "\" to "
              + where
              + (change.created() ? " (created the file)" : ""));
      out.println(
          "Running sandboxes apply it to new connections within a second (hot reload);"
              + " new sandboxes start with it.");
    }
    out.flush();
    Json.warn(change.notes(), spec.commandLine());
    return ExitCodes.OK;
  }

  /** {@code corral policy allow}. */
  @Command(
      name = "allow",
      mixinStandardHelpOptions = true,
      description = {
        "Allow sandboxes to reach a host.",
        "",
        "Adds RULE to [network] allow in",
        "~/.config/corral/config.toml (or the project's corral.toml with --project).",
        "The rule is checked first; nothing is written when it is invalid (exit 2).",
        "Examples: corral policy allow pypi.org; corral policy allow @github;",
        "  corral policy allow registry.example.com:8443; corral policy allow '*.example.com'"
      })
  static final class Allow extends PolicyChangeCommand {
    Allow(CliContext ctx) {
      super(ctx, EgressAdmin.Action.ALLOW);
    }
  }

  /** {@code corral policy deny}. */
  @Command(
      name = "deny",
      mixinStandardHelpOptions = true,
      description = {
        "Deny a host, even where an allow rule (e.g. a bundle) covers it.",
        "",
        "Adds RULE to",
        "[network] deny in ~/.config/corral/config.toml (or corral.toml with --project).",
        "Deny rules win over allow rules from every source.",
        "Example: corral policy deny uploads.github.com"
      })
  static final class Deny extends PolicyChangeCommand {
    Deny(CliContext ctx) {
      super(ctx, EgressAdmin.Action.DENY);
    }
  }
}
