package dev.corral.core;

import java.util.Locale;

/**
 * Where an approval is in its life: {@code pending → answered | expired | withdrawn}, and never
 * back. Expired covers both "nobody answered in time" and "the server restarted while it was
 * pending"; withdrawn means whoever asked no longer waits (the agent moved on, the sandbox is
 * gone).
 */
public enum ApprovalState {
  PENDING,
  ANSWERED,
  EXPIRED,
  WITHDRAWN;

  /** The lower-case name used on the wire and in the store. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a wire name.
   *
   * @throws UsageException naming the value and the known states
   */
  public static ApprovalState fromWireName(String name) {
    for (ApprovalState state : values()) {
      if (state.wireName().equals(name)) {
        return state;
      }
    }
    throw new UsageException(
        "unknown approval state '" + name + "'", "use pending, answered, expired or withdrawn");
  }
}
