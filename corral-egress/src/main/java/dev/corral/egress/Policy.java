package dev.corral.egress;

import dev.corral.core.EgressDecision;
import dev.corral.core.EgressRequest;

/**
 * A compiled egress policy: default deny, deny rules win over allow rules. Immutable and
 * thread-safe; hot reload swaps in a new instance.
 */
public interface Policy {
  /** Decides a request by its host, port and (for plain HTTP) method and path. */
  EgressDecision decide(EgressRequest request);
}
