package dev.corral.egress;

import dev.corral.core.EgressDecision;
import dev.corral.core.EgressRecord;
import dev.corral.core.EgressRequest;
import java.util.Locale;
import java.util.Optional;

/** Writes an {@link EgressRecord} as one line of JSON (the audit log's format). */
final class AuditJson {
  private AuditJson() {}

  static String of(EgressRecord record) {
    EgressRequest request = record.request();
    Optional<String> reason =
        switch (record.decision()) {
          case EgressDecision.Allowed a -> Optional.empty();
          case EgressDecision.Denied d -> Optional.of(d.reason());
        };
    StringBuilder json = new StringBuilder(256).append('{');
    field(json, "time", Optional.of(record.time().toString()));
    field(json, "sandbox", Optional.of(request.sandbox().value()));
    field(json, "protocol", Optional.of(request.protocol().name().toLowerCase(Locale.ROOT)));
    field(json, "method", request.method());
    field(json, "host", Optional.of(request.host()));
    json.append(",\"port\":").append(request.port());
    field(json, "path", request.path());
    field(json, "address", record.address());
    field(json, "decision", Optional.of(JsonLinesAudit.decision(record.decision())));
    field(json, "rule", Optional.of(record.decision().rule()));
    field(json, "reason", reason);
    json.append(",\"bytes_up\":").append(record.bytesUp());
    json.append(",\"bytes_down\":").append(record.bytesDown());
    json.append(",\"duration_ms\":").append(record.duration().toMillis());
    return json.append('}').toString();
  }

  private static void field(StringBuilder json, String name, Optional<String> value) {
    if (json.length() > 1) {
      json.append(',');
    }
    json.append('"').append(name).append("\":");
    if (value.isEmpty()) {
      json.append("null");
    } else {
      quote(json, value.get());
    }
  }

  static void quote(StringBuilder json, String value) {
    json.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> json.append("\\\"");
        case '\\' -> json.append("\\\\");
        case '\n' -> json.append("\\n");
        case '\r' -> json.append("\\r");
        case '\t' -> json.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            json.append(String.format("\\u%04x", (int) c));
          } else {
            json.append(c);
          }
        }
      }
    }
    json.append('"');
  }
}
