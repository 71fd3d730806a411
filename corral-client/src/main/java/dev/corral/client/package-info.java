/**
 * The Java client of the Corral server: typed calls for its endpoints over {@code java.net.http},
 * the SSE log stream, and errors as {@link dev.corral.client.CorralApiException} carrying the
 * server's problem body.
 */
@NullMarked
package dev.corral.client;

import org.jspecify.annotations.NullMarked;
