package dev.corral.cli;

import dev.corral.core.HostPath;
import dev.corral.core.ProjectTrust;
import java.util.Optional;

/** A {@link ProjectTrust} that trusts nothing; the real one is tested in the app. */
final class FakeProjectTrust implements ProjectTrust {
  @Override
  public Status status(HostPath workspace) {
    return new Status(workspace.resolve("corral.toml"), Optional.empty(), Optional.empty());
  }

  @Override
  public void trust(HostPath workspace, String content) {
    throw new UnsupportedOperationException();
  }
}
