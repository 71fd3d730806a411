package dev.corral.core;

import java.time.Duration;
import java.util.Locale;

/**
 * Limits applied to everything a sandbox runs. Memory and pids are enforced by cgroups (v2 when
 * delegated, v1 otherwise); CPU time, file size and open files by rlimits.
 *
 * @param memoryBytes memory limit (RAM, and swap where the kernel allows limiting it)
 * @param pids maximum number of processes and threads alive at once
 * @param cpus CPU bandwidth in cores, e.g. 1.5
 * @param cpuTime total CPU time before the kernel stops the sandbox
 * @param fileSizeBytes largest file the sandbox may write
 * @param openFiles open file descriptors per process
 */
public record ResourceLimits(
    long memoryBytes, int pids, double cpus, Duration cpuTime, long fileSizeBytes, int openFiles) {

  public static final ResourceLimits DEFAULT =
      new ResourceLimits(
          parseSize("4g"),
          1024,
          Runtime.getRuntime().availableProcessors(),
          Duration.ofHours(8),
          parseSize("16g"),
          4096);

  public ResourceLimits {
    require(memoryBytes >= parseSize("16m"), "memory", "at least 16m");
    require(pids >= 8, "pids", "at least 8");
    require(cpus > 0 && cpus <= 1024, "cpus", "between 0 and 1024 cores");
    require(!cpuTime.isNegative() && cpuTime.toSeconds() >= 1, "cpu-time", "at least 1s");
    require(fileSizeBytes >= 1024 * 1024, "file-size", "at least 1m");
    require(openFiles >= 16, "open-files", "at least 16");
  }

  private static void require(boolean ok, String name, String rule) {
    if (!ok) {
      throw new UsageException("invalid limit " + name + ": must be " + rule);
    }
  }

  /** Whether {@link #cpus()} is below the host's processor count, i.e. an actual cap. */
  public boolean capsCpu() {
    return cpus < Runtime.getRuntime().availableProcessors();
  }

  public ResourceLimits withMemoryBytes(long value) {
    return new ResourceLimits(value, pids, cpus, cpuTime, fileSizeBytes, openFiles);
  }

  public ResourceLimits withPids(int value) {
    return new ResourceLimits(memoryBytes, value, cpus, cpuTime, fileSizeBytes, openFiles);
  }

  public ResourceLimits withCpus(double value) {
    return new ResourceLimits(memoryBytes, pids, value, cpuTime, fileSizeBytes, openFiles);
  }

  public ResourceLimits withCpuTime(Duration value) {
    return new ResourceLimits(memoryBytes, pids, cpus, value, fileSizeBytes, openFiles);
  }

  public ResourceLimits withFileSizeBytes(long value) {
    return new ResourceLimits(memoryBytes, pids, cpus, cpuTime, value, openFiles);
  }

  public ResourceLimits withOpenFiles(int value) {
    return new ResourceLimits(memoryBytes, pids, cpus, cpuTime, fileSizeBytes, value);
  }

  /**
   * Parses a size such as {@code 512m}, {@code 2g}, {@code 2GiB} or a plain byte count. Units are
   * binary (k = 1024).
   */
  public static long parseSize(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT).replace("ib", "").replace("b", "");
    long unit =
        s.isEmpty()
            ? 1
            : switch (s.charAt(s.length() - 1)) {
              case 'k' -> 1L << 10;
              case 'm' -> 1L << 20;
              case 'g' -> 1L << 30;
              case 't' -> 1L << 40;
              default -> 1;
            };
    String digits = unit == 1 ? s : s.substring(0, s.length() - 1);
    try {
      double value = Double.parseDouble(digits);
      if (value < 0 || Double.isNaN(value) || Double.isInfinite(value)) {
        throw new NumberFormatException();
      }
      return Math.round(value * unit);
    } catch (NumberFormatException e) {
      throw new UsageException(
          "invalid size '" + text + "': use a number with an optional unit k, m, g or t (e.g. 2g)");
    }
  }

  /**
   * Parses a duration such as {@code 90s}, {@code 15m}, {@code 2h} or a plain number of seconds.
   */
  public static Duration parseDuration(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      }
      char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
      String digits = Character.isDigit(last) ? s : s.substring(0, s.length() - 1);
      long n = Long.parseLong(digits);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return switch (last) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        case 'd' -> Duration.ofDays(n);
        default -> {
          if (!Character.isDigit(last)) {
            throw new NumberFormatException();
          }
          yield Duration.ofSeconds(n);
        }
      };
    } catch (NumberFormatException e) {
      throw new UsageException(
          "invalid duration '" + text + "': use a number with a unit ms, s, m, h or d (e.g. 90s)");
    }
  }

  /** Formats a byte count the way users write it, e.g. {@code 512m}. */
  public static String formatSize(long bytes) {
    String[] units = {"", "k", "m", "g", "t"};
    int i = 0;
    double v = bytes;
    while (v >= 1024 && i < units.length - 1 && v % 1024 == 0) {
      v /= 1024;
      i++;
    }
    return (long) v + units[i];
  }
}
