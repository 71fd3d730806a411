package dev.corral.nativebackend;

import dev.corral.core.Backend;
import dev.corral.tck.NetworkContract;
import org.junit.jupiter.api.AfterEach;

/**
 * The network contract again, with piped sandboxes started from warm pool slots: a slot's launcher
 * is started before the sandbox's network mode is known, so the gateway plumbing must still be
 * exactly the cold one.
 */
class WarmBubblewrapNetworkTest extends NetworkContract {
  private final NativeBackends.Warm warm = new NativeBackends.Warm();

  @Override
  protected void requireBackend() {
    NativeBackends.requireGateway();
  }

  @Override
  protected Backend backend() {
    return warm.get(temp);
  }

  @AfterEach
  void stopPool() throws Exception {
    warm.close();
  }
}
