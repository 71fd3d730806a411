package dev.corral.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.core.EgressAdmin;
import dev.corral.core.EgressAdmin.PolicyReport;
import dev.corral.core.EgressAdmin.Rule;
import dev.corral.core.EgressAdmin.Source;
import dev.corral.core.ExitCodes;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code corral policy}: read and change the egress policy; {@code show} is its own listing. */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = {
      "Read and change which hosts sandboxes may reach (the egress policy).",
      "Everything is denied unless a rule allows it; a deny rule wins over every allow rule.",
      "Rules come from the agent's bundles, ~/.config/corral/config.toml and the project's",
      "corral.toml ([network] allow/deny), and `corral run --allow/--deny` for one run."
    })
final class PolicyCommand implements Callable<Integer> {
  @Spec
  @SuppressWarnings("NullAway.Init")
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** {@code corral policy show}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = {
        "Show the egress rules in force for the current directory's workspace, by source.",
        "With --effective: every rule with bundles expanded, in the order they decide."
      })
  static final class Show implements Callable<Integer> {
    private final CliContext ctx;

    @Option(
        names = "--effective",
        description = "Expand bundles into their hosts and list deny rules first (they win).")
    boolean effective;

    @Mixin OutputOption output = new OutputOption();

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    Show(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      PolicyReport report = ctx.egress().policy(ctx.workingDirectory());
      Json.warn(report.warnings(), spec.commandLine());
      PrintWriter out = spec.commandLine().getOut();
      out.print(
          switch (output.format) {
            case text -> effective ? effectiveText(report) : text(report);
            case json -> Json.pretty(json(report));
          });
      out.flush();
      return ExitCodes.OK;
    }

    static String text(PolicyReport report) {
      StringBuilder sb = new StringBuilder();
      sb.append("Egress policy for ").append(report.workspace()).append('\n');
      sb.append("Default: deny. A request goes out only when an allow rule covers it")
          .append(" and no deny rule does.\n\n");
      for (Source source : report.sources()) {
        sb.append(name(source));
        source.file().ifPresent(f -> sb.append(' ').append(f));
        if (source.file().isPresent() && !source.exists()) {
          sb.append(": no such file\n");
        } else if (source.rules().isEmpty()) {
          sb.append(
              switch (source.kind()) {
                case AGENT -> ": none here; `corral run AGENT` adds the agent's bundles\n";
                default -> ": no [network] rules\n";
              });
        } else {
          sb.append(":\n");
          for (Rule rule : source.rules()) {
            sb.append("  ").append(word(rule)).append(' ').append(rule.text()).append('\n');
          }
        }
      }
      sb.append("command line: `corral run --allow RULE --deny RULE` adds rules for one run\n\n");
      sb.append("Change it with `corral policy allow|deny RULE`; ")
          .append("see what decides a URL with `corral policy test URL`.\n");
      return sb.toString();
    }

    static String effectiveText(PolicyReport report) {
      List<Rule> rules = report.effective();
      int text = "everything else".length();
      int covers = 0;
      for (Rule rule : rules) {
        text = Math.max(text, rule.text().length());
        covers = Math.max(covers, rule.covers().orElse("").length());
      }
      StringBuilder sb = new StringBuilder();
      sb.append("Effective egress rules for ")
          .append(report.workspace())
          .append(", in the order they decide:\n");
      String format = "  %-5s  %-" + text + "s  %-" + covers + "s  %s%n";
      for (Rule rule : rules) {
        sb.append(
            String.format(
                format, word(rule), rule.text(), rule.covers().orElse(""), rule.origin()));
      }
      sb.append(String.format(format, "deny", "everything else", "", "default deny"));
      sb.append("Deny rules win over allow rules wherever they come from;")
          .append(" `corral run --allow/--deny` add rules for one run.\n");
      return sb.toString();
    }

    static ObjectNode json(PolicyReport report) {
      ObjectNode root = Json.object().put("workspace", report.workspace().toString());
      root.put("default", "deny");
      ArrayNode sources = root.putArray("sources");
      for (Source source : report.sources()) {
        ObjectNode node = sources.addObject().put("source", name(source));
        source.file().ifPresent(f -> node.put("file", f.toString()).put("exists", source.exists()));
        ArrayNode rules = node.putArray("rules");
        source.rules().forEach(r -> rules.add(Json.rule(r)));
      }
      ArrayNode effective = root.putArray("effective");
      report.effective().forEach(r -> effective.add(Json.rule(r)));
      ArrayNode warnings = root.putArray("warnings");
      report.warnings().forEach(warnings::add);
      return root;
    }

    private static String name(Source source) {
      return switch (source.kind()) {
        case AGENT -> "agent bundles";
        case USER -> "user config";
        case PROJECT -> "project";
        case COMMAND_LINE -> "command line";
      };
    }
  }

  /** {@code allow} or {@code deny } padded, so that rule texts line up. */
  static String word(Rule rule) {
    return rule.action() == EgressAdmin.Action.ALLOW ? "allow" : "deny ";
  }
}
