package dev.corral.egress;

/**
 * A snapshot of the gateway's counters since it started, summed over all sandboxes. Each audit
 * record counts once: as allowed or denied, with its bytes.
 *
 * @param allowed connections and plain-HTTP requests that went out
 * @param denied connections and requests refused (by policy, address check, SNI check, connection
 *     limit, or because the destination could not be resolved or reached)
 * @param bytesUp bytes relayed from sandboxes to destinations
 * @param bytesDown bytes relayed from destinations to sandboxes
 */
public record EgressCounters(long allowed, long denied, long bytesUp, long bytesDown) {}
