package dev.corral.cli;

import dev.corral.api.ApprovalAnswerRequest;
import dev.corral.api.ApprovalList;
import dev.corral.api.ApprovalView;
import dev.corral.client.CorralClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code corral approvals | approve | deny | answer}: the approval queue of a Corral server (the
 * local one unless --server).
 */
final class ApprovalCommands {
  private ApprovalCommands() {}

  @Command(
      name = "approvals",
      mixinStandardHelpOptions = true,
      description = {
        "List what sandboxes and tasks wait for: unknown hosts, agent prompts, merges.",
        "With --follow, prints every new and changed approval until interrupted."
      })
  static final class Ls implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin ServerOptions server = new ServerOptions();
    @Mixin OutputOption output = new OutputOption();

    @Option(
        names = "--state",
        description = "Only pending, answered, expired or withdrawn (default: pending; all: all).")
    String state = "pending";

    @Option(names = "--limit", description = "At most this many (default: ${DEFAULT-VALUE}).")
    int limit = 50;

    @Option(
        names = {"-f", "--follow"},
        description = "Keep printing new and changed approvals.")
    boolean follow;

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    Ls(CliContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() {
      CorralClient client = server.client(ctx);
      PrintWriter out = spec.commandLine().getOut();
      boolean json = output.format == Format.json;
      if (follow) {
        ServerOptions.call(
            () -> {
              client.followApprovals(
                  a -> {
                    if (json) {
                      out.println(Json.compact(a));
                    } else {
                      out.println(line(a, Instant.now()));
                    }
                    out.flush();
                    return !out.checkError();
                  });
              return 0;
            });
        return 0;
      }
      Optional<String> only = state.equals("all") ? Optional.empty() : Optional.of(state);
      ApprovalList list = ServerOptions.call(() -> client.approvals(only, limit));
      if (json) {
        out.print(Json.pretty(list.approvals()));
      } else {
        out.printf("%-12s  %-6s  %-9s  %-8s  %s%n", "ID", "KIND", "STATE", "AGE", "WHAT");
        Instant now = Instant.now();
        for (ApprovalView a : list.approvals()) {
          out.println(line(a, now));
        }
        if (list.approvals().isEmpty() && only.equals(Optional.of("pending"))) {
          out.println("(nothing waits for you)");
        }
      }
      out.flush();
      return 0;
    }

    static String line(ApprovalView a, Instant now) {
      String what = Format.printable(a.summary());
      if (!a.state().equals("pending")) {
        what += " — " + Format.printable(a.reason());
      }
      return String.format(
          "%-12s  %-6s  %-9s  %-8s  %s",
          a.id(), a.kind(), a.state(), TaskCommand.age(Instant.parse(a.created()), now), what);
    }
  }

  /** The shared shape of approve, deny and answer: one id, one answer, print the result. */
  abstract static class Answer implements Callable<Integer> {
    final CliContext ctx;

    @Mixin ServerOptions server = new ServerOptions();
    @Mixin OutputOption output = new OutputOption();

    @Parameters(index = "0", paramLabel = "ID", description = "Approval id, e.g. apr-3f9a0c1b.")
    String id = "";

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    Answer(CliContext ctx) {
      this.ctx = ctx;
    }

    abstract ApprovalAnswerRequest answer();

    @Override
    public Integer call() {
      ApprovalAnswerRequest answer = answer();
      CorralClient client = server.client(ctx);
      ApprovalView done = ServerOptions.call(() -> client.answer(id, answer));
      PrintWriter out = spec.commandLine().getOut();
      if (output.format == Format.json) {
        out.print(Json.pretty(done));
      } else {
        out.println(done.id() + ": " + Format.printable(done.reason()));
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description = {
        "Allow what an approval asks: a host once (or always, with --always), or a merge.",
        "For a merge approval, --apply applies the diff unstaged instead of merging the branch."
      })
  static final class Approve extends Answer {
    @Option(names = "--always", description = "Allow the host from now on (writes a rule).")
    boolean always;

    @Option(
        names = "--scope",
        paramLabel = "SCOPE",
        description =
            "Where --always writes the rule: sandbox, project or everywhere (default: project).")
    @Nullable String scope;

    @Option(names = "--apply", description = "Merge approvals: apply the diff unstaged instead.")
    boolean apply;

    Approve(CliContext ctx) {
      super(ctx);
    }

    @Override
    ApprovalAnswerRequest answer() {
      if (scope != null && !always) {
        throw new dev.corral.core.UsageException(
            "--scope goes with --always", "e.g. corral approve ID --always --scope sandbox");
      }
      if (apply && always) {
        throw new dev.corral.core.UsageException(
            "--apply and --always do not go together", "--always is for hosts, --apply for merges");
      }
      if (apply) {
        return new ApprovalAnswerRequest("apply", null, null);
      }
      return always
          ? new ApprovalAnswerRequest("allow-always", scope == null ? "project" : scope, null)
          : new ApprovalAnswerRequest("allow", null, null);
    }
  }

  @Command(
      name = "deny",
      mixinStandardHelpOptions = true,
      description = "Refuse what an approval asks (a merge approval: discard the task's changes).")
  static final class Deny extends Answer {
    Deny(CliContext ctx) {
      super(ctx);
    }

    @Override
    ApprovalAnswerRequest answer() {
      return new ApprovalAnswerRequest("deny", null, null);
    }
  }

  @Command(
      name = "answer",
      mixinStandardHelpOptions = true,
      description = "Type TEXT (then Enter) into the terminal of an agent waiting at a prompt.")
  static final class Text extends Answer {
    @Parameters(index = "1", paramLabel = "TEXT", description = "One line, e.g. y.")
    String text = "";

    Text(CliContext ctx) {
      super(ctx);
    }

    @Override
    ApprovalAnswerRequest answer() {
      return new ApprovalAnswerRequest("text", null, text);
    }
  }
}
