package dev.corral.server;

import dev.corral.core.EgressAdmin;
import dev.corral.core.EgressRequest;
import dev.corral.core.EnvironmentException;
import dev.corral.core.HostPath;
import java.util.List;

/** The egress administration of a server the app did not wire a gateway into: every call is 503. */
final class UnwiredEgress implements EgressAdmin {

  private static EnvironmentException unwired() {
    return new EnvironmentException(
        "this server has no egress gateway wired in",
        "run `corral server`, which serves the egress endpoints");
  }

  @Override
  public PolicyReport policy(HostPath workspace) {
    throw unwired();
  }

  @Override
  public Change add(HostPath workspace, Scope scope, Action action, String rule) {
    throw unwired();
  }

  @Override
  public Verdict test(HostPath workspace, EgressRequest request) {
    throw unwired();
  }

  @Override
  public List<HostPath> auditFiles() {
    throw unwired();
  }

  @Override
  public HostPath currentAuditFile() {
    throw unwired();
  }
}
