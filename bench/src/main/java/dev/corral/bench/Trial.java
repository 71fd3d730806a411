package dev.corral.bench;

/** One way of starting a sandbox that prints a byte and exits, timed from creation to exit. */
interface Trial {

  /**
   * Runs the sandbox once.
   *
   * @throws Exception when the sandbox could not be created or did not print and exit cleanly; the
   *     message says why
   */
  Timing run() throws Exception;
}
