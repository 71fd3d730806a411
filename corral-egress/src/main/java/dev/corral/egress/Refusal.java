package dev.corral.egress;

import dev.corral.core.EgressDecision;

/**
 * Why the gateway refused a connection or request, and how each protocol says so.
 *
 * @param decision the decision recorded in the audit log
 * @param kind which check refused it
 */
record Refusal(EgressDecision.Denied decision, Kind kind) {

  static final String LIMIT_RULE = "connection limit";
  static final String ADDRESS_RULE = "address check";
  static final String DNS_RULE = "dns";
  static final String UPSTREAM_RULE = "upstream";
  static final String SNI_RULE = "sni check";

  static Refusal of(Kind kind, String rule, String reason) {
    return new Refusal(new EgressDecision.Denied(rule, reason), kind);
  }

  /** A check, with the HTTP status and SOCKS5 reply code it answers with. */
  enum Kind {
    POLICY(403, 0x02),
    ASK(403, 0x02),
    LIMIT(429, 0x01),
    ADDRESS(403, 0x02),
    UNRESOLVABLE(502, 0x04),
    UNREACHABLE(502, 0x05),
    SNI(403, 0x02);

    final int httpStatus;
    final int socksStatus;

    Kind(int httpStatus, int socksStatus) {
      this.httpStatus = httpStatus;
      this.socksStatus = socksStatus;
    }
  }
}
