package dev.corral.app;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corral.tck.Capability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Claude Code and Codex CLIs, installed once with npm into a prefix under {@code
 * ~/.cache/corral-test} (the npm registry is the only network these tests use, and only to install)
 * and reused by later runs. Locally a failed install skips the test; in CI it fails it.
 */
final class NpmAgents {
  static final List<String> PACKAGES = List.of("@anthropic-ai/claude-code", "@openai/codex");

  private NpmAgents() {}

  /** The npm prefix holding {@code bin/claude} and {@code bin/codex}. */
  static synchronized Path install() throws IOException, InterruptedException {
    Capability.require(Files.isExecutable(Path.of("/usr/bin/npm")), "npm");
    Path prefix = Path.of(System.getProperty("user.home"), ".cache", "corral-test", "npm-agents");
    Path done = prefix.resolve(".installed");
    if (Files.exists(done)
        && Files.isExecutable(prefix.resolve("bin/claude"))
        && Files.isExecutable(prefix.resolve("bin/codex"))) {
      return prefix;
    }
    Files.createDirectories(prefix);
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                "npm", "install", "-g", "--no-fund", "--no-audit", "--prefix", prefix.toString()));
    command.addAll(PACKAGES);
    Path log = prefix.resolve("install.log");
    Process npm =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean finished = npm.waitFor(10, TimeUnit.MINUTES);
    if (!finished || npm.exitValue() != 0) {
      npm.destroyForcibly();
      String why = "npm install " + PACKAGES + " failed; see " + log;
      if (Capability.inCi()) {
        fail(why);
      }
      assumeTrue(false, why);
    }
    Files.writeString(done, String.join("\n", PACKAGES) + "\n");
    return prefix;
  }
}
