package dev.corral.engine;

import dev.corral.core.Availability;
import dev.corral.core.Backend;
import dev.corral.core.BackendProvider;
import dev.corral.core.Check;
import dev.corral.core.CorralDirs;
import dev.corral.core.CorralException;
import dev.corral.core.EgressPort;
import dev.corral.core.EnvironmentException;
import dev.corral.core.EventSink;
import dev.corral.core.NetworkMode;
import dev.corral.core.SandboxEvent;
import dev.corral.core.SandboxOutcome;
import dev.corral.core.SandboxSpec;
import dev.corral.core.SandboxSummary;
import dev.corral.core.UsageException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Corral's use cases: choose a backend, check the request, start, wait, and tear sandboxes down.
 * Thread-safe; one instance serves a whole Corral process.
 */
public final class Engine {
  private final List<BackendProvider> providers;
  private final CorralDirs dirs;
  private final EventSink events;
  private final EgressPort egress;
  private final Map<String, Backend> backends = new ConcurrentHashMap<>();
  private final AtomicBoolean reaped = new AtomicBoolean();
  private volatile Duration reapDeadline = REAP_DEADLINE;

  /**
   * How long one backend may take to reap orphans. An engine that does not answer (a container
   * runtime stuck on a container) must not stall a start or a server's startup; the reaping goes on
   * in the background.
   */
  public static final Duration REAP_DEADLINE = Duration.ofSeconds(30);

  public Engine(List<BackendProvider> providers, CorralDirs dirs, EventSink events) {
    this(providers, dirs, events, EgressPort.UNAVAILABLE);
  }

  /** An engine whose sandboxes can reach the network through {@code egress}. */
  public Engine(
      List<BackendProvider> providers, CorralDirs dirs, EventSink events, EgressPort egress) {
    this.egress = egress;
    this.providers =
        providers.stream()
            .sorted(Comparator.comparingInt(BackendProvider::priority).reversed())
            .toList();
    this.dirs = dirs;
    this.events = events;
  }

  /** An engine with every backend found on the class path through {@link ServiceLoader}. */
  public static Engine load(CorralDirs dirs, EventSink events) {
    return load(dirs, events, EgressPort.UNAVAILABLE);
  }

  /** Like {@link #load(CorralDirs, EventSink)}, with network through {@code egress}. */
  public static Engine load(CorralDirs dirs, EventSink events, EgressPort egress) {
    List<BackendProvider> found = new ArrayList<>();
    ServiceLoader.load(BackendProvider.class).forEach(found::add);
    return new Engine(found, dirs, events, egress);
  }

  /** The names of all known backends, best first. */
  public List<String> backendNames() {
    return providers.stream().map(BackendProvider::name).toList();
  }

  /** Probes every backend, best first. */
  public List<Availability> doctor() {
    return providers.stream().map(BackendProvider::probe).toList();
  }

  /**
   * The backend called {@code name}, or the best usable one when no name is given.
   *
   * @throws UsageException if no backend has that name
   * @throws EnvironmentException if the backend (or every backend) cannot run here, with every
   *     reason and fix
   */
  public Backend backend(Optional<String> name) {
    if (name.isPresent()) {
      BackendProvider provider =
          providers.stream()
              .filter(p -> p.name().equals(name.get()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new UsageException(
                          "unknown backend '" + name.get() + "'",
                          "choose one of: " + String.join(", ", backendNames())));
      return backends.computeIfAbsent(provider.name(), n -> create(provider, provider.probe()));
    }
    List<Availability> tried = new ArrayList<>();
    for (BackendProvider provider : providers) {
      Backend existing = backends.get(provider.name());
      if (existing != null) {
        return existing;
      }
      Availability availability = provider.probe();
      if (availability.usable()) {
        return backends.computeIfAbsent(provider.name(), n -> create(provider, availability));
      }
      tried.add(availability);
    }
    throw noBackend(tried);
  }

  private Backend create(BackendProvider provider, Availability availability) {
    if (!availability.usable()) {
      throw noBackend(List.of(availability));
    }
    return provider.create(dirs);
  }

  private static EnvironmentException noBackend(List<Availability> tried) {
    if (tried.isEmpty()) {
      return new EnvironmentException(
          "no sandbox backend is installed", "this build of Corral is incomplete; reinstall it");
    }
    String reasons =
        tried.stream()
            .flatMap(a -> a.failures().stream().map(c -> a.backend() + ": " + describe(c)))
            .collect(Collectors.joining("; "));
    String fixes =
        tried.stream()
            .flatMap(a -> a.failures().stream())
            .map(Check::fix)
            .filter(f -> f != null)
            .distinct()
            .collect(Collectors.joining("; "));
    String which =
        tried.size() == 1
            ? "the " + tried.getFirst().backend() + " backend cannot run here"
            : "no backend can run here";
    return new EnvironmentException(
        which + ": " + reasons, (fixes.isEmpty() ? "" : fixes + "; ") + "run `corral doctor`");
  }

  private static String describe(Check check) {
    return check.name() + " " + check.detail();
  }

  /**
   * Validates {@code spec} and starts it on the chosen backend. The caller owns the returned
   * sandbox and must close it.
   */
  public Sandbox start(SandboxSpec spec, Optional<String> backendName) {
    WorkspaceCheck.validate(spec.workspace());
    Backend backend = backend(backendName);
    if (reaped.compareAndSet(false, true)) {
      reapQuietly(backend, spec);
    }
    events.accept(new SandboxEvent.Starting(spec.id(), backend.name()));
    if (!(spec.network() instanceof NetworkMode.Filtered filtered)) {
      return new Sandbox(spec, backend.start(spec, events), events, null);
    }
    EgressPort.Lease lease = egress.open(spec.id(), spec.workspace(), filtered.rules());
    try {
      SandboxSpec gated = spec.withNetwork(new NetworkMode.Gateway(lease.socket()));
      return new Sandbox(gated, backend.start(gated, events), events, lease);
    } catch (RuntimeException e) {
      try {
        lease.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Starts {@code spec}, waits for it to end (honouring its timeout) and tears it down. */
  public SandboxOutcome run(SandboxSpec spec, Optional<String> backendName)
      throws InterruptedException {
    try (Sandbox sandbox = start(spec, backendName)) {
      return sandbox.await();
    }
  }

  /** For tests: a shorter {@link #REAP_DEADLINE}. */
  void reapDeadline(Duration deadline) {
    this.reapDeadline = deadline;
  }

  /** {@code backend}'s orphans, or an error when it fails or does not answer in time. */
  private List<String> reap(Backend backend) {
    CompletableFuture<List<String>> reaping = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("corral-reap-" + backend.name())
        .start(
            () -> {
              try {
                reaping.complete(backend.reapOrphans());
              } catch (RuntimeException e) {
                reaping.completeExceptionally(e);
              }
            });
    try {
      return reaping.get(reapDeadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new EnvironmentException(
          "the "
              + backend.name()
              + " backend did not finish removing orphaned sandboxes within "
              + (reapDeadline.toMillis() < 1000
                  ? reapDeadline.toMillis() + " ms"
                  : reapDeadline.toSeconds() + " s")
              + "; it goes on in the background",
          "check that its engine answers (e.g. `docker ps` for the docker backend)");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted while removing orphaned sandboxes", null, e);
    }
  }

  /** Orphans of crashed Corral processes go on the first start; a failure there only warns. */
  private void reapQuietly(Backend backend, SandboxSpec spec) {
    try {
      for (String what : reap(backend)) {
        events.accept(new SandboxEvent.OrphanReaped(backend.name(), what));
      }
    } catch (CorralException e) {
      events.accept(
          new SandboxEvent.Warning(spec.id(), "could not reap orphans: " + e.getMessage()));
    }
  }

  /**
   * The sandboxes of every backend that can run here, backend by backend in rank order. A backend
   * that fails to answer is left out; its failure is thrown only when no backend answered.
   */
  public List<SandboxSummary> list() {
    List<SandboxSummary> found = new ArrayList<>();
    CorralException failure = null;
    int answered = 0;
    for (BackendProvider provider : providers) {
      if (!provider.probe().usable()) {
        continue;
      }
      try {
        found.addAll(backend(Optional.of(provider.name())).list());
        answered++;
      } catch (CorralException e) {
        failure = e;
      }
    }
    if (answered == 0 && failure != null) {
      throw failure;
    }
    return List.copyOf(found);
  }

  /**
   * Removes what crashed Corral processes left behind, in every backend that can run here, each
   * within {@link #REAP_DEADLINE}. A backend that fails or does not answer in time does not keep
   * the others from reaping; its error is thrown after they did.
   */
  public List<String> reapOrphans() {
    List<String> reaped = new ArrayList<>();
    CorralException failure = null;
    for (BackendProvider provider : providers) {
      if (provider.probe().usable()) {
        try {
          for (String what : reap(backend(Optional.of(provider.name())))) {
            events.accept(new SandboxEvent.OrphanReaped(provider.name(), what));
            reaped.add(what);
          }
        } catch (CorralException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return reaped;
  }
}
