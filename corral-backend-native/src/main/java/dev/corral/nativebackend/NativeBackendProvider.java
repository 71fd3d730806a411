package dev.corral.nativebackend;

import dev.corral.core.Availability;
import dev.corral.core.Backend;
import dev.corral.core.BackendProvider;
import dev.corral.core.Check;
import dev.corral.core.CorralDirs;
import dev.corral.core.EnvironmentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Provides the {@code native} backend: bubblewrap on the host, no daemon. The highest-ranked
 * backend, since it starts in milliseconds. Its probe checks bubblewrap, unprivileged user
 * namespaces (including the Ubuntu 24.04 AppArmor restriction), libseccomp and cgroups, and is
 * computed once per process.
 */
public final class NativeBackendProvider implements BackendProvider {
  static final String NAME = "native";

  /**
   * System property with the number of launchers a long-lived Corral process keeps started ahead of
   * demand for piped sandboxes (default 0).
   */
  public static final String WARM_SLOTS_PROPERTY = "corral.native.warmSlots";

  private volatile @org.jspecify.annotations.Nullable Availability probed;
  private volatile @org.jspecify.annotations.Nullable Host host;

  /** What this host offers, found once: finding bubblewrap runs {@code bwrap --version}. */
  private record Host(Optional<Bubblewrap> bubblewrap, Cgroups cgroups) {}

  private Host host() {
    Host found = host;
    if (found == null) {
      found = new Host(Bubblewrap.find(), Cgroups.detect());
      host = found;
    }
    return found;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int priority() {
    return 100;
  }

  @Override
  public Availability probe() {
    Availability result = probed;
    if (result == null) {
      List<Check> checks = new ArrayList<>();
      Optional<Bubblewrap> bwrap = host().bubblewrap();
      checks.add(Bubblewrap.check(bwrap));
      bwrap.ifPresent(b -> checks.add(b.checkUserNamespaces()));
      checks.add(SeccompFilter.probe());
      checks.add(host().cgroups().probe());
      checks.add(EgressForwarder.check());
      result = new Availability(NAME, checks);
      probed = result;
    }
    return result;
  }

  @Override
  public Backend create(CorralDirs dirs) {
    Bubblewrap bwrap =
        host()
            .bubblewrap()
            .orElseThrow(
                () ->
                    new EnvironmentException(
                        "bubblewrap not found",
                        "install it with `apt-get install bubblewrap`, then run `corral doctor`"));
    return new BubblewrapBackend(
        bwrap.path(),
        bwrap.supportsDisableUserns(),
        RunDirectory.root(dirs.runtime()),
        host().cgroups(),
        SeccompFilter.standard(),
        Integer.getInteger(WARM_SLOTS_PROPERTY, 0));
  }
}
