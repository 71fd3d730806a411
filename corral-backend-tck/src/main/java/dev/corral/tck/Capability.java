package dev.corral.tck;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Gates tests on what the host can do: skipped locally when a capability is missing, but failed in
 * CI (environment variable {@code CI=true}), where every backend must run.
 */
public final class Capability {
  private Capability() {}

  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Skips the test (locally) or fails it (in CI) unless {@code available}. */
  public static void require(boolean available, String what) {
    if (!available) {
      if (inCi()) {
        fail(what + " is required in CI but not available on this host");
      }
      assumeTrue(false, what + " is not available on this host");
    }
  }
}
