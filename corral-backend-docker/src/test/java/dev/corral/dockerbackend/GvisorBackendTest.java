package dev.corral.dockerbackend;

import dev.corral.core.Backend;
import dev.corral.tck.BackendContract;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The backend contract on a real Docker engine with gVisor (runsc).
 *
 * <p>One contract test is not run here, each for a stated reason (see docs/backends.md, "gVisor"):
 * {@link #KNOWN_DEVIATIONS}.
 */
@ExtendWith(GvisorBackendTest.Deviations.class)
class GvisorBackendTest extends BackendContract {
  /** Contract tests that assert Linux behaviour gVisor's kernel does not have, and why. */
  static final Map<String, String> KNOWN_DEVIATIONS =
      Map.of(
          "aForkBombKillsOnlyTheSandbox",
          "gVisor's kernel has no pids cgroup: a fork bomb fails to fork (sh exits 2) and the host"
              + " is unaffected, but Corral cannot attribute the failure to the process limit");

  @Override
  protected void requireBackend() {
    DockerBackends.requireGvisor();
  }

  @BeforeEach
  void handFixture() throws IOException {
    DockerBackends.handFixtureToSandboxUser(temp);
  }

  @Override
  protected Backend backend() {
    return DockerBackends.inTestImage(DockerBackends.create(temp), Optional.of("runsc"));
  }

  /** Skips the contract tests listed in {@link #KNOWN_DEVIATIONS}, naming the reason. */
  static final class Deviations implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      String reason =
          context.getTestMethod().map(m -> KNOWN_DEVIATIONS.get(m.getName())).orElse(null);
      return reason == null
          ? ConditionEvaluationResult.enabled("runs under gVisor")
          : ConditionEvaluationResult.disabled("gVisor deviation: " + reason);
    }
  }
}
