package dev.corral.workspace;

import java.io.IOException;
import java.io.InputStream;

/** Opens one version of a file's content; the stream is empty when that version is absent. */
public interface ContentSource {
  /** A new stream over the content; the caller closes it. */
  InputStream open() throws IOException;
}
