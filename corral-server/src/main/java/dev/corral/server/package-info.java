/**
 * The Corral server: REST and SSE API under {@code /api/v1} (Javalin on virtual threads), bearer
 * token auth, problem-detail errors, health and Prometheus metrics, and the headless task runner
 * with its FIFO queue. Depends on the engine and on ports only; the app wires the store, the
 * backends, the workspaces and the agent presets in.
 */
@NullMarked
package dev.corral.server;

import org.jspecify.annotations.NullMarked;
