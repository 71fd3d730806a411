package dev.corral.workspace;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Limits and options of one review. Immutable and thread-safe.
 *
 * @param maxFileBytes how many bytes of each file version review reads at most; the rest of a
 *     longer file is not scanned, and the report says so (default 2 MiB)
 * @param maxTotalBytes how many bytes review reads over all files; files after that are checked by
 *     path and mode only, and the report says so (default 64 MiB)
 * @param largeFileBytes files at least this large are reported as very large (default 5 MiB)
 * @param maxFindingsPerFile how many findings one check reports for one file before it summarises
 *     the rest in one line (default 20)
 * @param knownRegistries host names of package registries that are trusted; a manifest, lockfile or
 *     registry setting that names any other host blocks (defaults: the public registries of npm,
 *     PyPI, crates.io, Go, Maven Central, Gradle and Google)
 * @param llm the optional LLM reviewer; empty skips it with a note
 */
public record ReviewSettings(
    long maxFileBytes,
    long maxTotalBytes,
    long largeFileBytes,
    int maxFindingsPerFile,
    Set<String> knownRegistries,
    Optional<LlmSettings> llm) {

  /** The public registries review trusts by default. */
  public static final Set<String> DEFAULT_REGISTRIES =
      Set.of(
          "registry.npmjs.org",
          "registry.yarnpkg.com",
          "registry.npmjs.com",
          "pypi.org",
          "pypi.python.org",
          "files.pythonhosted.org",
          "crates.io",
          "index.crates.io",
          "static.crates.io",
          "proxy.golang.org",
          "sum.golang.org",
          "repo.maven.apache.org",
          "repo1.maven.org",
          "plugins.gradle.org",
          "services.gradle.org",
          "maven.google.com",
          "dl.google.com");

  /** The defaults, without an LLM reviewer. */
  public static final ReviewSettings DEFAULT =
      new ReviewSettings(2L << 20, 64L << 20, 5L << 20, 20, DEFAULT_REGISTRIES, Optional.empty());

  public ReviewSettings {
    if (maxFileBytes < 1 || maxTotalBytes < 1 || largeFileBytes < 1 || maxFindingsPerFile < 1) {
      throw new IllegalArgumentException("review limits must be positive");
    }
    knownRegistries =
        knownRegistries.stream()
            .map(h -> h.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
  }

  /** These settings with {@code llm} as the LLM reviewer. */
  public ReviewSettings withLlm(LlmSettings llm) {
    return new ReviewSettings(
        maxFileBytes,
        maxTotalBytes,
        largeFileBytes,
        maxFindingsPerFile,
        knownRegistries,
        Optional.of(llm));
  }

  /** These settings with other read caps. */
  public ReviewSettings withCaps(long maxFileBytes, long maxTotalBytes) {
    return new ReviewSettings(
        maxFileBytes, maxTotalBytes, largeFileBytes, maxFindingsPerFile, knownRegistries, llm);
  }

  /** Whether {@code host} is one of the trusted registries or a subdomain of one. */
  boolean knownRegistry(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    for (String known : knownRegistries) {
      if (h.equals(known) || h.endsWith("." + known)) {
        return true;
      }
    }
    return false;
  }
}
