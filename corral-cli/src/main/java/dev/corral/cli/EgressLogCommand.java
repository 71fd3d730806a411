package dev.corral.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corral.core.ExitCodes;
import dev.corral.core.HostPath;
import dev.corral.core.UsageException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code corral egress log}: the audit log, one line per connection or HTTP request. */
@Command(
    name = "log",
    mixinStandardHelpOptions = true,
    description = {
      "Show the egress audit log.",
      "",
      "Every connection or plain-HTTP request a sandbox made,",
      "allowed or denied, oldest first (rotated files included). Each line shows time,",
      "sandbox, protocol, request, ALLOW/DENY, the deciding rule, bytes up/down, duration.",
      "The log lives in $XDG_STATE_HOME/corral/egress/egress.jsonl (one JSON object per line)."
    })
final class EgressLogCommand implements Callable<Integer> {
  /** How often {@code --follow} looks for new lines. */
  private static final Duration POLL_EVERY = Duration.ofMillis(250);

  private final CliContext ctx;

  @Option(names = "--denied", description = "Only denied requests.")
  boolean denied;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing new records as they are written (Ctrl-C to stop).")
  boolean follow;

  @Option(names = "--sandbox", paramLabel = "NAME", description = "Only this sandbox's records.")
  @Nullable String sandbox;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Only the last N matching records (before following).")
  @Nullable Integer limit;

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      description = "text, or json for the log's own JSON lines (default: ${DEFAULT-VALUE}).")
  Format output = Format.text;

  @Spec
  @SuppressWarnings("NullAway.Init")
  CommandSpec spec;

  EgressLogCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    if (limit != null && limit < 0) {
      throw new UsageException("--limit must be 0 or more, not " + limit);
    }
    PrintWriter out = spec.commandLine().getOut();
    List<HostPath> files = ctx.egress().auditFiles();
    HostPath current = ctx.egress().currentAuditFile();
    if (files.isEmpty()) {
      spec.commandLine()
          .getErr()
          .println(
              "corral: no egress log yet: "
                  + current
                  + " is written once a sandbox uses the network (corral run --allow HOST)");
      spec.commandLine().getErr().flush();
      if (!follow) {
        return ExitCodes.OK;
      }
    }
    Deque<String> last = new ArrayDeque<>();
    AuditTail tail = new AuditTail(current.path());
    try {
      for (HostPath file : files) {
        List<String> lines =
            file.equals(current) ? tail.poll() : AuditTail.completeLines(file.path());
        for (String line : lines) {
          render(line)
              .ifPresent(
                  rendered -> {
                    last.add(rendered);
                    if (limit != null && last.size() > limit) {
                      last.removeFirst();
                    }
                  });
        }
      }
      last.forEach(out::println);
      out.flush();
      while (follow && !Thread.currentThread().isInterrupted()) {
        Thread.sleep(POLL_EVERY);
        tail.poll().forEach(line -> render(line).ifPresent(out::println));
        out.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ExitCodes.OK;
  }

  /** The line as printed, or empty when filtered out or unreadable. */
  private Optional<String> render(String line) {
    JsonNode record;
    try {
      record = Json.MAPPER.readTree(line);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (record == null || !record.isObject()) {
      return Optional.empty();
    }
    if (denied && !"deny".equals(record.path("decision").asText())) {
      return Optional.empty();
    }
    if (sandbox != null && !sandbox.equals(record.path("sandbox").asText())) {
      return Optional.empty();
    }
    return Optional.of(output == Format.json ? line : human(record));
  }

  /** {@code TIME SANDBOX PROTOCOL [METHOD ]HOST:PORT[PATH] ALLOW|DENY RULE BYTES DURATION}. */
  static String human(JsonNode r) {
    String time = r.path("time").asText();
    try {
      time = Instant.parse(time).truncatedTo(ChronoUnit.SECONDS).toString();
    } catch (RuntimeException e) {
      // Keep the text as written.
    }
    String method = r.path("method").isTextual() ? r.path("method").asText() + " " : "";
    String path = r.path("path").isTextual() ? r.path("path").asText() : "";
    return String.join(
        "  ",
        time,
        r.path("sandbox").asText(),
        r.path("protocol").asText(),
        method + r.path("host").asText() + ":" + r.path("port").asText() + path,
        r.path("decision").asText().toUpperCase(java.util.Locale.ROOT),
        r.path("rule").asText(),
        bytes(r.path("bytes_up").asLong())
            + " up, "
            + bytes(r.path("bytes_down").asLong())
            + " down, "
            + r.path("duration_ms").asLong()
            + " ms");
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    if (n < 1024 * 1024) {
      return String.format(java.util.Locale.ROOT, "%.1f KiB", n / 1024.0);
    }
    return String.format(java.util.Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
  }
}
