/**
 * Workspaces and the review airlock: clones on a branch per sandbox, the diff of what a sandbox
 * changed, the review checks run over that diff ({@link dev.corral.workspace.Review}), and merge
 * and apply.
 */
@NullMarked
package dev.corral.workspace;

import org.jspecify.annotations.NullMarked;
