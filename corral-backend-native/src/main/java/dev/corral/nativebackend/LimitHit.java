package dev.corral.nativebackend;

import dev.corral.core.Limit;

/**
 * A resource limit the kernel enforced on a sandbox, read from the kernel's own cgroup counters.
 *
 * @param limit which limit was reached
 * @param detail what happened and how to raise the limit, ready to show to the user
 */
record LimitHit(Limit limit, String detail) {}
