package dev.corral.cli;

import dev.corral.core.ResourceLimits;
import dev.corral.core.UsageException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The resource-limit flags of {@code corral run}; each overrides the configured value. */
final class LimitOptions {

  @Option(names = "--memory", paramLabel = "SIZE", description = "Memory limit, e.g. 2g.")
  @Nullable String memory;

  @Option(names = "--pids", paramLabel = "N", description = "Maximum number of processes.")
  @Nullable Integer pids;

  @Option(names = "--cpus", paramLabel = "N", description = "CPU cores, e.g. 1.5.")
  @Nullable Double cpus;

  @Option(names = "--cpu-time", paramLabel = "DURATION", description = "CPU time, e.g. 1h.")
  @Nullable String cpuTime;

  @Option(names = "--file-size", paramLabel = "SIZE", description = "Largest file, e.g. 1g.")
  @Nullable String fileSize;

  @Option(names = "--open-files", paramLabel = "N", description = "Open files per process.")
  @Nullable Integer openFiles;

  /** {@code base} with every given flag applied. */
  ResourceLimits applyTo(ResourceLimits base) {
    ResourceLimits limits = base;
    if (memory != null) {
      limits = limits.withMemoryBytes(parse("--memory", memory, ResourceLimits::parseSize));
    }
    if (pids != null) {
      limits = limits.withPids(pids);
    }
    if (cpus != null) {
      limits = limits.withCpus(cpus);
    }
    if (cpuTime != null) {
      limits = limits.withCpuTime(parse("--cpu-time", cpuTime, ResourceLimits::parseDuration));
    }
    if (fileSize != null) {
      limits = limits.withFileSizeBytes(parse("--file-size", fileSize, ResourceLimits::parseSize));
    }
    if (openFiles != null) {
      limits = limits.withOpenFiles(openFiles);
    }
    return limits;
  }

  /** Parses a flag value, naming the flag in the error. */
  static <T> T parse(String flag, String value, Function<String, T> parser) {
    try {
      return parser.apply(value);
    } catch (UsageException e) {
      throw new UsageException(flag + ": " + e.getMessage(), e.hint().orElse(null), e);
    }
  }
}
