package dev.corral.cli;

import dev.corral.core.EgressAdmin;
import dev.corral.core.EgressRequest;
import dev.corral.core.HostPath;
import java.util.List;

/** An {@link EgressAdmin} for commands that do not use it; the real one is tested in the app. */
final class FakeEgressAdmin implements EgressAdmin {
  @Override
  public PolicyReport policy(HostPath workspace) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Change add(HostPath workspace, Scope scope, Action action, String rule) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Verdict test(HostPath workspace, EgressRequest request) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<HostPath> auditFiles() {
    return List.of();
  }

  @Override
  public HostPath currentAuditFile() {
    return HostPath.of("/nonexistent/egress.jsonl");
  }
}
