package dev.corral.nativebackend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.Backend;
import dev.corral.core.CorralDirs;
import dev.corral.core.HostPath;
import dev.corral.tck.Capability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The native backends the contract suites run against: one started cold for every sandbox, as
 * {@code corral run} does, and one that starts piped sandboxes from a warm pool slot.
 */
final class NativeBackends {
  private static final NativeBackendProvider PROVIDER = new NativeBackendProvider();

  private NativeBackends() {}

  /** Skips locally, fails in CI, unless the native backend can run here. */
  static void require() {
    var availability = PROVIDER.probe();
    Capability.require(availability.usable(), "the native backend (" + availability + ")");
  }

  /** As {@link #require()}, plus what a sandbox behind the gateway and the network suite use. */
  static void requireGateway() {
    require();
    Capability.require(EgressForwarder.available(), "socat (the egress forwarder)");
    Capability.require(Files.isExecutable(Path.of("/usr/bin/curl")), "curl");
  }

  /**
   * A backend through the provider, as Corral creates it, with its runtime dir at {@code runtime}.
   */
  static Backend cold(Path temp, Path runtime) {
    return PROVIDER.create(
        new CorralDirs(
            HostPath.of(temp.resolve("config")),
            HostPath.of(temp.resolve("data")),
            HostPath.of(temp.resolve("state")),
            HostPath.of(runtime)));
  }

  /** A backend with one warm slot, created on first use; {@link #close()} stops its pool. */
  static final class Warm implements AutoCloseable {
    private @Nullable BubblewrapBackend backend;
    private @Nullable Path runRoot;

    /** The backend, once a warm slot is ready for the next sandbox. */
    BubblewrapBackend get(Path temp) {
      BubblewrapBackend current = backend;
      if (current == null) {
        Bubblewrap bwrap = Bubblewrap.find().orElseThrow();
        runRoot = temp.resolve("runtime/native");
        current =
            new BubblewrapBackend(
                bwrap.path(),
                bwrap.supportsDisableUserns(),
                runRoot,
                Cgroups.detect(),
                SeccompFilter.standard(),
                1);
        backend = current;
      }
      awaitWarmSlot(current);
      return current;
    }

    private static void awaitWarmSlot(BubblewrapBackend backend) {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (backend.readyWarmSlots() == 0 && System.nanoTime() < deadline) {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      assertThat(backend.readyWarmSlots()).as("a warm slot is ready").isPositive();
    }

    /** Stops the pool and checks that its slots are gone. */
    @Override
    public void close() throws Exception {
      BubblewrapBackend current = backend;
      Path root = runRoot;
      if (current != null && root != null) {
        current.close();
        try (Stream<Path> left = Files.list(root)) {
          assertThat(left).as("warm slots removed").isEmpty();
        }
      }
    }
  }
}
