package dev.corral.nativebackend;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Gates tests on host capabilities: a missing capability skips the test locally and fails it in CI
 * ({@code CI=true}), where every capability must be present.
 */
final class HostRequirement {
  static final Path BWRAP = Path.of("/usr/bin/bwrap");
  static final Path PYTHON = Path.of("/usr/bin/python3");

  private HostRequirement() {}

  static void require(boolean present, String what) {
    if (present) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(what + " is required in CI (CI=true) but missing on this host");
    }
    assumeTrue(false, what + " is missing; skipping");
  }

  static void requireExecutable(Path program) {
    require(Files.isExecutable(program), program.toString());
  }
}
