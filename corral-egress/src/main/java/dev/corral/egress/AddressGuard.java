package dev.corral.egress;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Vets the address the gateway resolved before it connects: loopback, private, link-local, CGNAT,
 * multicast, unspecified and metadata addresses are refused unless the deciding rule allows private
 * targets. Thread-safe and non-blocking (called on event loops).
 */
@FunctionalInterface
public interface AddressGuard {
  /** Why {@code address} must not be reached, or empty when it may be. */
  Optional<String> refusal(InetAddress address, boolean privateTargetsAllowed);
}
