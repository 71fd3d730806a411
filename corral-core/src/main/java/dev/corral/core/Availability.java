package dev.corral.core;

import java.util.List;

/** Whether a backend can run on this host, with every check that decided it. */
public record Availability(String backend, List<Check> checks) {
  public Availability {
    checks = List.copyOf(checks);
  }

  public boolean usable() {
    return checks.stream().noneMatch(c -> c.status() == Check.Status.FAIL);
  }

  public List<Check> failures() {
    return checks.stream().filter(c -> c.status() == Check.Status.FAIL).toList();
  }
}
