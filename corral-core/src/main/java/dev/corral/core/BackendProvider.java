package dev.corral.core;

/**
 * The service-provider interface through which backends plug into Corral ({@link
 * java.util.ServiceLoader}). Providers are ranked: when the user names no backend, the engine picks
 * the usable provider with the highest {@link #priority()}, and when none is usable it reports
 * every provider's failed checks at once.
 */
public interface BackendProvider {

  String name();

  /** Higher wins when the user names no backend. */
  int priority();

  /** Checks this host; cheap enough to run on every {@code corral run}. */
  Availability probe();

  /** Creates the backend; only called after {@link #probe()} reported it usable. */
  Backend create(CorralDirs dirs);
}
