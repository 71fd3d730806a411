package dev.corral.cli;

import dev.corral.core.EventSink;
import dev.corral.core.SandboxEvent;
import dev.corral.core.SandboxOutcome;
import java.io.PrintWriter;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Renders engine events as lines on standard error. Start and exit events are shown only with
 * {@code --debug}; {@link SandboxEvent.Progress} (e.g. image builds) always. Thread-safe: events
 * may arrive from backend threads, and {@link PrintWriter} locks.
 */
final class EventRenderer implements EventSink {
  private final PrintWriter err;
  private final boolean debug;

  EventRenderer(PrintWriter err, boolean debug) {
    this.err = err;
    this.debug = debug;
  }

  @Override
  public void accept(SandboxEvent event) {
    @Nullable String line =
        switch (event) {
          case SandboxEvent.Warning w -> "corral: warning: " + w.message();
          case SandboxEvent.LimitHit hit ->
              "corral: sandbox "
                  + hit.id()
                  + " stopped: "
                  + hit.detail()
                  + " (raise it with "
                  + hit.limit().flag()
                  + ")";
          case SandboxEvent.Finished f -> finished(f);
          case SandboxEvent.Progress p -> "corral: " + p.task() + ": " + p.step();
          case SandboxEvent.Starting s ->
              debug ? "corral: starting sandbox " + s.id() + " (" + s.backend() + ")" : null;
          case SandboxEvent.Started s ->
              debug
                  ? "corral: sandbox "
                      + s.id()
                      + " running as pid "
                      + s.pid()
                      + " after "
                      + s.setup().toMillis()
                      + " ms"
                  : null;
          case SandboxEvent.OrphanReaped o ->
              "corral: removed leftovers of a crashed sandbox ("
                  + o.backend()
                  + "): "
                  + o.description();
        };
    if (line != null) {
      err.println(line);
      err.flush();
    }
  }

  private @Nullable String finished(SandboxEvent.Finished f) {
    return switch (f.outcome()) {
      case SandboxOutcome.TimedOut t ->
          "corral: sandbox "
              + f.id()
              + " timed out after "
              + format(t.after())
              + " (raise it with --timeout)";
      case SandboxOutcome.Exited e ->
          debug ? "corral: sandbox " + f.id() + " exited with " + e.code() : null;
      case SandboxOutcome.Signaled s ->
          debug ? "corral: sandbox " + f.id() + " ended by signal " + s.signal() : null;
      case SandboxOutcome.LimitExceeded l -> null; // reported by the LimitHit event
    };
  }

  /** Formats a duration the way users write it: {@code 10m}, {@code 2h}, {@code 90s}. */
  static String format(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    long s = d.toSeconds();
    if (s != 0 && s % 86400 == 0) {
      return s / 86400 + "d";
    }
    if (s != 0 && s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s != 0 && s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
