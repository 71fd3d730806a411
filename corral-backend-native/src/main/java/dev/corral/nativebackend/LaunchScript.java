package dev.corral.nativebackend;

import dev.corral.core.ResourceLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code /bin/sh -c} script that starts a sandbox: it moves itself into the sandbox's cgroups
 * (so every process of the sandbox is limited from its first instruction), lowers its rlimits,
 * opens the seccomp program on a file descriptor and replaces itself with bubblewrap. One extra
 * {@code exec}, no extra process.
 */
final class LaunchScript {
  static final int SECCOMP_FD = 3;

  /** Exit code of the script when it cannot set the sandbox up; bubblewrap never returns it. */
  static final int SETUP_FAILED = 125;

  private LaunchScript() {}

  /**
   * @param cgroupProcs the {@code cgroup.procs} files to join
   * @param limits the limits to turn into rlimits
   * @param dataLimit whether to cap the data segment with the memory limit (only when no memory
   *     cgroup is available)
   * @param seccomp the compiled seccomp program, opened on {@link #SECCOMP_FD}
   * @param bwrap bubblewrap's command line, starting with the binary
   */
  static String render(
      List<Path> cgroupProcs,
      ResourceLimits limits,
      boolean dataLimit,
      Path seccomp,
      List<String> bwrap) {
    StringBuilder s = new StringBuilder(joinCgroups(cgroupProcs));
    long cpu = Math.max(1, limits.cpuTime().toSeconds());
    // SIGXCPU at the soft limit, SIGKILL five seconds later at the hard limit.
    // Soft first: a hard limit below the current soft limit is rejected.
    ulimit(s, "-S -t", cap("Max cpu time", cpu));
    ulimit(s, "-H -t", cap("Max cpu time", cpu + 5));
    ulimit(s, "-f", cap("Max file size", limits.fileSizeBytes() / 512));
    ulimit(s, "-n", cap("Max open files", limits.openFiles()));
    ulimit(s, "-c", 0);
    if (dataLimit) {
      ulimit(s, "-d", cap("Max data size", limits.memoryBytes() / 1024));
    }
    s.append("exec");
    for (String arg : bwrap) {
      s.append(' ').append(quote(arg));
    }
    s.append(' ').append(SECCOMP_FD).append("< ").append(quote(seccomp.toString()));
    return s.toString();
  }

  /** Lines that move the running shell into each cgroup, failing the launch if one fails. */
  static String joinCgroups(List<Path> cgroupProcs) {
    StringBuilder s = new StringBuilder();
    for (Path procs : cgroupProcs) {
      s.append("echo $$ > ")
          .append(quote(procs.toString()))
          .append(" || { echo 'corral: cannot join cgroup ")
          .append(String.valueOf(procs.getParent()).replace("'", ""))
          .append("' >&2; exit ")
          .append(SETUP_FAILED)
          .append("; }\n");
    }
    return s.toString();
  }

  private static void ulimit(StringBuilder s, String flag, long value) {
    s.append("ulimit ")
        .append(flag)
        .append(' ')
        .append(value)
        .append(" || { echo 'corral: cannot set rlimit ")
        .append(flag)
        .append("' >&2; exit ")
        .append(SETUP_FAILED)
        .append("; }\n");
  }

  /**
   * The lower of {@code wanted} and the current hard limit: raising a hard limit needs
   * CAP_SYS_RESOURCE, which Corral does not have or want.
   */
  private static long cap(String name, long wanted) {
    OptionalLong hard = hardLimit(name);
    return hard.isPresent() ? Math.min(wanted, hard.getAsLong()) : wanted;
  }

  private static final Pattern LIMIT_LINE =
      Pattern.compile("^(?<name>Max [a-z ]+?)\\s{2,}(?<soft>\\S+)\\s+(?<hard>\\S+)");

  /**
   * This process's hard limits in ulimit's units, read once: Corral never raises them, so they hold
   * for every sandbox it starts, and the start path does not re-read /proc each time.
   */
  private static final Map<String, Long> HARD_LIMITS = readHardLimits();

  static OptionalLong hardLimit(String name) {
    Long value = HARD_LIMITS.get(name);
    return value == null ? OptionalLong.empty() : OptionalLong.of(value);
  }

  private static Map<String, Long> readHardLimits() {
    Map<String, Long> limits = new HashMap<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
        Matcher m = LIMIT_LINE.matcher(line);
        if (!m.find() || m.group("hard").equals("unlimited")) {
          continue;
        }
        String name = m.group("name");
        long value = Long.parseLong(m.group("hard"));
        // /proc reports bytes for file and data size; ulimit takes 512-byte blocks and KiB.
        limits.put(
            name,
            switch (name) {
              case "Max file size" -> value / 512;
              case "Max data size" -> value / 1024;
              default -> value;
            });
      }
    } catch (IOException | NumberFormatException e) {
      return Map.of();
    }
    return Map.copyOf(limits);
  }

  /** Single-quotes a word for the POSIX shell. */
  static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
