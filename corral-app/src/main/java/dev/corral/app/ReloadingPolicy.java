package dev.corral.app;

import dev.corral.core.CorralException;
import dev.corral.core.EgressRules;
import dev.corral.egress.Policy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A sandbox's policy with hot reload: at most once a second, a new connection checks whether one of
 * the configuration files changed (appeared, vanished or was written), and if so recompiles the
 * rules from the files. An invalid edit is logged and the last good policy stays in force.
 */
final class ReloadingPolicy implements Supplier<Policy> {
  private static final System.Logger LOG = System.getLogger(ReloadingPolicy.class.getName());
  private static final long CHECK_EVERY_NANOS = 1_000_000_000L;

  private final EgressRules rules;
  private final List<Path> files;
  private final Function<EgressRules, Policy> recompile;
  private volatile Policy current;
  private Map<Path, FileTime> seen;
  private long checkedAt = System.nanoTime();

  ReloadingPolicy(
      Policy initial,
      EgressRules rules,
      List<Path> files,
      Function<EgressRules, Policy> recompile) {
    this.current = initial;
    this.rules = rules;
    this.files = List.copyOf(files);
    this.recompile = recompile;
    this.seen = stamps();
  }

  @Override
  public Policy get() {
    long now = System.nanoTime();
    synchronized (this) {
      if (now - checkedAt < CHECK_EVERY_NANOS) {
        return current;
      }
      checkedAt = now;
      Map<Path, FileTime> stamps = stamps();
      if (stamps.equals(seen)) {
        return current;
      }
      seen = stamps;
      try {
        current = recompile.apply(rules);
        LOG.log(System.Logger.Level.INFO, "egress policy reloaded");
      } catch (CorralException e) {
        LOG.log(
            System.Logger.Level.WARNING,
            "egress policy not reloaded, the last good one stays in force: " + e.getMessage());
      }
      return current;
    }
  }

  private Map<Path, FileTime> stamps() {
    Map<Path, FileTime> stamps = new HashMap<>();
    for (Path file : files) {
      try {
        stamps.put(file, Files.getLastModifiedTime(file));
      } catch (IOException e) {
        stamps.put(file, FileTime.fromMillis(0));
      }
    }
    return stamps;
  }
}
