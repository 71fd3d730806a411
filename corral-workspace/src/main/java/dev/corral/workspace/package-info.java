/**
 * Workspaces: the {@code clone} mode's per-sandbox repositories and branches, the change lists
 * between a workspace's base commit and its branch, and the review airlock's diff, merge and apply.
 *
 * <p>Trust boundary: a clone is controlled by the agent once a sandbox ran in it. Corral never runs
 * the {@code git} command line inside a clone on the host; it reads a workspace only through a
 * host-owned repository (the vault) that receives the clone's branch as a bundle written inside a
 * sandbox. JGit types never leave this package.
 */
@NullMarked
package dev.corral.workspace;

import org.jspecify.annotations.NullMarked;
