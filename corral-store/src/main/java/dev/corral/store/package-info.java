/**
 * Corral's durable state: {@link dev.corral.store.SqliteStore}, the embedded SQLite (WAL)
 * implementation of the core {@link dev.corral.core.Store} port, with versioned schema migrations.
 */
@NullMarked
package dev.corral.store;

import org.jspecify.annotations.NullMarked;
