package dev.corral.store;

import dev.corral.core.ApprovalAnswer;
import dev.corral.core.ApprovalRecord;
import dev.corral.core.ApprovalRequest;
import dev.corral.core.ApprovalState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Approvals to and from the columns of the {@code approval} table (migration 3). */
final class ApprovalRows {
  static final String INSERT =
      "INSERT INTO approval (id, seq, kind, sandbox, host, port, screen, question, task,"
          + " created_ms, expires_ms, state, reason)"
          + " VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM approval), ?, ?, ?, ?, ?, ?, ?,"
          + " ?, ?, ?, ?)";

  static final String CLOSE =
      "UPDATE approval SET seq = (SELECT COALESCE(MAX(seq), 0) + 1 FROM approval), state = ?,"
          + " answer = ?, answer_scope = ?, answer_text = ?, answer_expired = ?, answered_by = ?,"
          + " closed_ms = ?, reason = ? WHERE id = ? AND state = 'pending'";

  private ApprovalRows() {}

  /** The arguments of {@link #INSERT}. */
  static List<@Nullable Object> insertArgs(ApprovalRecord a) {
    List<@Nullable Object> args = new ArrayList<>();
    args.add(a.id());
    switch (a.request()) {
      case ApprovalRequest.Host h -> {
        args.add("host");
        args.add(h.sandbox());
        args.add(h.host());
        args.add(h.port());
        args.add(null);
        args.add(null);
        args.add(null);
      }
      case ApprovalRequest.Prompt p -> {
        args.add("prompt");
        args.add(p.sandbox());
        args.add(null);
        args.add(null);
        args.add(p.screen());
        args.add(p.question());
        args.add(null);
      }
      case ApprovalRequest.Merge m -> {
        args.add("merge");
        args.add(m.sandbox());
        args.add(null);
        args.add(null);
        args.add(null);
        args.add(null);
        args.add(m.task());
      }
    }
    args.add(a.created().toEpochMilli());
    args.add(a.expires().toEpochMilli());
    args.add(a.state().wireName());
    args.add(a.reason());
    return args;
  }

  /** The arguments of {@link #CLOSE}. */
  static List<@Nullable Object> closeArgs(
      String id,
      ApprovalState to,
      Optional<ApprovalAnswer> answer,
      String by,
      Instant at,
      String reason) {
    List<@Nullable Object> args = new ArrayList<>();
    args.add(to.wireName());
    ApprovalAnswer a = answer.orElse(null);
    args.add(a == null ? null : kind(a));
    args.add(
        a instanceof ApprovalAnswer.AllowAlways always
            ? always.scope().name().toLowerCase(Locale.ROOT)
            : null);
    args.add(a instanceof ApprovalAnswer.Text text ? text.text() : null);
    args.add(a instanceof ApprovalAnswer.Deny deny ? (deny.expired() ? 1 : 0) : null);
    args.add(by);
    args.add(at.toEpochMilli());
    args.add(reason);
    args.add(id);
    return args;
  }

  static String kind(ApprovalAnswer answer) {
    return switch (answer) {
      case ApprovalAnswer.AllowOnce a -> "allow-once";
      case ApprovalAnswer.AllowAlways a -> "allow-always";
      case ApprovalAnswer.Deny d -> "deny";
      case ApprovalAnswer.Text t -> "text";
      case ApprovalAnswer.Apply a -> "apply";
    };
  }

  static ApprovalRecord row(ResultSet rs) throws SQLException {
    String sandbox = rs.getString("sandbox");
    ApprovalRequest request =
        switch (rs.getString("kind")) {
          case "host" -> new ApprovalRequest.Host(sandbox, rs.getString("host"), rs.getInt("port"));
          case "prompt" ->
              new ApprovalRequest.Prompt(sandbox, rs.getString("screen"), rs.getString("question"));
          case "merge" -> new ApprovalRequest.Merge(sandbox, rs.getString("task"));
          default -> throw new SQLException("unknown approval kind " + rs.getString("kind"));
        };
    long closed = rs.getLong("closed_ms");
    Optional<Instant> closedAt =
        rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(closed));
    return new ApprovalRecord(
        rs.getString("id"),
        rs.getLong("seq"),
        request,
        Instant.ofEpochMilli(rs.getLong("created_ms")),
        Instant.ofEpochMilli(rs.getLong("expires_ms")),
        ApprovalState.fromWireName(rs.getString("state")),
        answer(rs),
        Optional.ofNullable(rs.getString("answered_by")),
        closedAt,
        rs.getString("reason"));
  }

  private static Optional<ApprovalAnswer> answer(ResultSet rs) throws SQLException {
    String kind = rs.getString("answer");
    if (kind == null) {
      return Optional.empty();
    }
    return Optional.of(
        switch (kind) {
          case "allow-once" -> new ApprovalAnswer.AllowOnce();
          case "allow-always" ->
              new ApprovalAnswer.AllowAlways(
                  ApprovalAnswer.Scope.valueOf(
                      rs.getString("answer_scope").toUpperCase(Locale.ROOT)));
          case "deny" -> new ApprovalAnswer.Deny(rs.getInt("answer_expired") == 1);
          case "text" -> new ApprovalAnswer.Text(rs.getString("answer_text"));
          case "apply" -> new ApprovalAnswer.Apply();
          default -> throw new SQLException("unknown approval answer " + kind);
        });
  }
}
