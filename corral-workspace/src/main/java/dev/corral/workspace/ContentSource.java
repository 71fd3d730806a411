package dev.corral.workspace;

import java.io.IOException;
import java.io.InputStream;

/**
 * Opens one side of a {@link Change}'s content. Each call returns a fresh stream that the caller
 * closes. Valid only while the {@code Snapshot} that produced the change is open.
 */
@FunctionalInterface
public interface ContentSource {
  /** A source with no content: an empty stream. */
  ContentSource EMPTY = InputStream::nullInputStream;

  InputStream open() throws IOException;
}
