package dev.corral.nativebackend;

import dev.corral.core.Check;
import dev.corral.core.ResourceLimits;
import dev.corral.core.SandboxId;
import java.util.List;
import java.util.function.Predicate;

/**
 * The host gives Corral no usable cgroups; sandboxes are limited by rlimits only. Creating a group
 * returns an empty handle, so callers need no special case.
 *
 * @param reason why cgroups cannot be used, naming the file or group that was checked
 * @param fix what the user can do about it
 */
record NoCgroups(String reason, String fix) implements Cgroups {
  private static final System.Logger LOG = System.getLogger(NoCgroups.class.getName());

  @Override
  public Check probe() {
    return Check.warn(CHECK_NAME, reason + "; memory and process limits fall back to rlimits", fix);
  }

  @Override
  public CgroupHandle create(SandboxId id, ResourceLimits limits) {
    LOG.log(System.Logger.Level.DEBUG, "no cgroups for sandbox {0}: {1}", id, reason);
    return CgroupHandle.none(id);
  }

  @Override
  public CgroupHandle adopt(CgroupHandle slot, SandboxId id, ResourceLimits limits) {
    return CgroupHandle.none(id);
  }

  @Override
  public List<String> reapOrphans(Predicate<String> isLive) {
    return List.of();
  }
}
