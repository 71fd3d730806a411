package dev.corral.nativebackend;

import dev.corral.core.Backend;
import dev.corral.tck.NetworkContract;

/**
 * The network contract on real bubblewrap, each sandbox started cold as {@code corral run} does.
 */
class BubblewrapNetworkTest extends NetworkContract {
  @Override
  protected void requireBackend() {
    NativeBackends.requireGateway();
  }

  @Override
  protected Backend backend() {
    return NativeBackends.cold(temp, temp.resolve("runtime"));
  }
}
