package dev.corral.nativebackend;

import dev.corral.tck.Capability;
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
    Capability.require(present, what);
  }

  static void requireExecutable(Path program) {
    require(Files.isExecutable(program), program.toString());
  }
}
