package dev.corral.dockerbackend;

import dev.corral.core.Backend;
import dev.corral.tck.BackendContract;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;

/** The backend contract on a real Docker engine with runc. */
class DockerBackendTest extends BackendContract {
  @Override
  protected void requireBackend() {
    DockerBackends.require();
  }

  @BeforeEach
  void handFixture() throws IOException {
    DockerBackends.handFixtureToSandboxUser(temp);
  }

  @Override
  protected Backend backend() {
    return DockerBackends.inTestImage(DockerBackends.create(temp), Optional.of("runc"));
  }
}
