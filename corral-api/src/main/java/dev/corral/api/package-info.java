/**
 * The wire records of Corral's REST, SSE and WebSocket API, shared by the server and the Java
 * client. JSON through Jackson; no domain types, so the wire format changes only on purpose.
 * Optional fields are {@code null} when absent and left out of responses.
 */
@NullMarked
package dev.corral.api;

import org.jspecify.annotations.NullMarked;
