package dev.corral.dockerbackend;

import dev.corral.core.Backend;
import dev.corral.tck.NetworkContract;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;

/**
 * The network contract on a real Docker engine with gVisor (runsc): network none plus the
 * forwarder.
 */
class GvisorNetworkTest extends NetworkContract {
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
}
