package dev.corral.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One line of the egress audit log: a connection or plain-HTTP request, with its decision and
 * traffic.
 *
 * @param time when the request arrived
 * @param request what the sandbox asked for
 * @param address the address the gateway resolved and pinned, if it got that far
 * @param decision the policy's decision (or a refusal of the resolved address)
 * @param bytesUp bytes sent by the sandbox to the destination
 * @param bytesDown bytes received from the destination
 * @param duration how long the connection or request lasted
 */
public record EgressRecord(
    Instant time,
    EgressRequest request,
    Optional<String> address,
    EgressDecision decision,
    long bytesUp,
    long bytesDown,
    Duration duration) {}
