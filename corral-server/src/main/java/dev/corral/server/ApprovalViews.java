package dev.corral.server;

import dev.corral.api.ApprovalAnswerRequest;
import dev.corral.api.ApprovalView;
import dev.corral.core.ApprovalAnswer;
import dev.corral.core.ApprovalRecord;
import dev.corral.core.ApprovalRequest;
import dev.corral.core.UsageException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Approvals to and from their wire records. */
final class ApprovalViews {
  /** Longest text answer: a line typed into a terminal, not a file upload. */
  static final int MAX_TEXT = 4096;

  private ApprovalViews() {}

  static ApprovalView view(ApprovalRecord a) {
    ApprovalRequest r = a.request();
    ApprovalAnswer answer = a.answer().orElse(null);
    return new ApprovalView(
        a.id(),
        a.seq(),
        kind(r),
        r.sandbox(),
        summary(r),
        r instanceof ApprovalRequest.Host h ? h.host() : null,
        r instanceof ApprovalRequest.Host h ? h.port() : null,
        r instanceof ApprovalRequest.Prompt p ? p.screen() : null,
        r instanceof ApprovalRequest.Prompt p ? p.question() : null,
        r instanceof ApprovalRequest.Merge m ? m.task() : null,
        a.created().toString(),
        a.expires().toString(),
        a.state().wireName(),
        answer == null ? null : wireName(answer),
        answer instanceof ApprovalAnswer.AllowAlways always
            ? always.scope().name().toLowerCase(Locale.ROOT)
            : null,
        answer instanceof ApprovalAnswer.Text text ? text.text() : null,
        answer instanceof ApprovalAnswer.Deny deny ? deny.expired() : null,
        a.answeredBy().orElse(null),
        a.closed().map(Instant::toString).orElse(null),
        a.reason());
  }

  static String kind(ApprovalRequest request) {
    return switch (request) {
      case ApprovalRequest.Host h -> "host";
      case ApprovalRequest.Prompt p -> "prompt";
      case ApprovalRequest.Merge m -> "merge";
    };
  }

  /** One line: what is asked. */
  static String summary(ApprovalRequest request) {
    return switch (request) {
      case ApprovalRequest.Host h -> h.sandbox() + " wants to reach " + h.host() + ":" + h.port();
      case ApprovalRequest.Prompt p -> p.sandbox() + " asks: " + p.question();
      case ApprovalRequest.Merge m -> "task " + m.task() + " finished with changes to merge";
    };
  }

  static String wireName(ApprovalAnswer answer) {
    return switch (answer) {
      case ApprovalAnswer.AllowOnce a -> "allow-once";
      case ApprovalAnswer.AllowAlways a -> "allow-always";
      case ApprovalAnswer.Deny d -> "deny";
      case ApprovalAnswer.Text t -> "text";
      case ApprovalAnswer.Apply a -> "apply";
    };
  }

  /** How the answer reads in a reason line. */
  static String describe(ApprovalAnswer answer) {
    return switch (answer) {
      case ApprovalAnswer.AllowOnce a -> "allowed once";
      case ApprovalAnswer.AllowAlways a ->
          "allowed always (" + a.scope().name().toLowerCase(Locale.ROOT) + ")";
      case ApprovalAnswer.Deny d -> d.expired() ? "expired" : "denied";
      case ApprovalAnswer.Text t -> "answered with text";
      case ApprovalAnswer.Apply a -> "apply";
    };
  }

  static String answersFor(ApprovalRequest request) {
    return switch (request) {
      case ApprovalRequest.Host h -> "a host approval takes allow, allow-always or deny";
      case ApprovalRequest.Prompt p -> "a prompt approval takes text or deny";
      case ApprovalRequest.Merge m ->
          "a merge approval takes allow (merge), apply or deny (discard)";
    };
  }

  /** Parses an answer body; every error names the field and the accepted values. */
  static ApprovalAnswer answer(ApprovalAnswerRequest request) {
    String kind = request.answer();
    if (kind == null) {
      throw new UsageException(
          "missing field 'answer' in the request body",
          "give one of allow, allow-always, deny, text, apply");
    }
    if (!"allow-always".equals(kind) && request.scope() != null) {
      throw new UsageException("field 'scope' goes only with answer allow-always", null);
    }
    if (!"text".equals(kind) && request.text() != null) {
      throw new UsageException("field 'text' goes only with answer text", null);
    }
    return switch (kind) {
      case "allow", "allow-once" -> new ApprovalAnswer.AllowOnce();
      case "allow-always" -> new ApprovalAnswer.AllowAlways(scope(request.scope()));
      case "deny" -> new ApprovalAnswer.Deny(false);
      case "text" -> new ApprovalAnswer.Text(text(request.text()));
      case "apply" -> new ApprovalAnswer.Apply();
      default ->
          throw new UsageException(
              "unknown answer '" + kind + "'",
              "give one of allow, allow-always, deny, text, apply");
    };
  }

  static ApprovalAnswer.Scope scope(@Nullable String scope) {
    if (scope == null) {
      return ApprovalAnswer.Scope.PROJECT;
    }
    return switch (scope) {
      case "sandbox" -> ApprovalAnswer.Scope.SANDBOX;
      case "project" -> ApprovalAnswer.Scope.PROJECT;
      case "everywhere" -> ApprovalAnswer.Scope.EVERYWHERE;
      default ->
          throw new UsageException(
              "unknown scope '" + scope + "'", "give one of sandbox, project, everywhere");
    };
  }

  private static String text(@Nullable String text) {
    if (text == null) {
      throw new UsageException(
          "answer text needs field 'text'", "e.g. {\"answer\":\"text\",\"text\":\"y\"}");
    }
    if (text.length() > MAX_TEXT) {
      throw new UsageException(
          "the answer text has " + text.length() + " characters; at most " + MAX_TEXT, null);
    }
    if (text.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
      // A newline or escape would let one answer type several lines or terminal controls.
      throw new UsageException(
          "the answer text contains control characters (newline, escape, …)",
          "give one line of plain text; Corral presses Enter after it");
    }
    return text;
  }

  static String duration(Duration d) {
    long s = d.toSeconds();
    if (s % 86400 == 0 && s > 0) {
      return s / 86400 + "d";
    }
    if (s % 3600 == 0 && s > 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0 && s > 0) {
      return s / 60 + "m";
    }
    return s > 0 ? s + "s" : d.toMillis() + "ms";
  }
}
