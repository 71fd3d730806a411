package dev.corral.workspace;

import java.util.Map;
import java.util.Set;

/**
 * What a dependency manifest declares, reduced to what review compares.
 *
 * @param dependencies dependency name to its specification as written (a version range, or for
 *     dependencies that bypass the registry their source: {@code git+https://…}, {@code
 *     https://…/x.tgz}, {@code path:../x})
 * @param registries registry or repository URLs the manifest names
 * @param hooks named commands the tool runs by itself (e.g. npm lifecycle scripts, Maven plugins)
 *     to their definition
 */
record Manifest(
    Map<String, String> dependencies, Set<String> registries, Map<String, String> hooks) {
  static final Manifest EMPTY = new Manifest(Map.of(), Set.of(), Map.of());

  Manifest {
    dependencies = Map.copyOf(dependencies);
    registries = Set.copyOf(registries);
    hooks = Map.copyOf(hooks);
  }
}
