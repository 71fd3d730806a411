/**
 * Corral's domain: sandbox specifications, outcomes and events, the error hierarchy, and the ports
 * ({@link dev.corral.core.Backend}, {@link dev.corral.core.BackendProvider}) that adapters
 * implement. Depends on the JDK only.
 */
@NullMarked
package dev.corral.core;

import org.jspecify.annotations.NullMarked;
