package dev.corral.cli;

import dev.corral.core.SandboxOutcome;
import dev.corral.core.SandboxProcess;
import dev.corral.engine.Sandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Copies the sandbox's output to the command line's writers and the given input to its stdin, for
 * in-process use where Corral's own file descriptors are not the user's streams.
 */
final class PipedAttachment implements Attachment {
  private static final System.Logger LOG = System.getLogger(PipedAttachment.class.getName());
  private static final Duration DRAIN = Duration.ofSeconds(5);

  private final InputStream in;
  private final PrintWriter out;
  private final PrintWriter err;

  PipedAttachment(InputStream in, PrintWriter out, PrintWriter err) {
    this.in = in;
    this.out = out;
    this.err = err;
  }

  @Override
  public SandboxOutcome attach(Sandbox sandbox) throws InterruptedException {
    SandboxProcess process = sandbox.process();
    Thread stdout = relay("corral-stdout", process.stdout(), out);
    Thread stderr = relay("corral-stderr", process.stderr(), err);
    Thread.ofVirtual().name("corral-stdin").start(() -> feed(in, process.stdin()));
    SandboxOutcome outcome = sandbox.await();
    // Output written just before the exit may still be in the pipes.
    stdout.join(DRAIN);
    stderr.join(DRAIN);
    return outcome;
  }

  private static Thread relay(String name, InputStream from, PrintWriter to) {
    return Thread.ofVirtual()
        .name(name)
        .start(
            () -> {
              try (Reader reader = new InputStreamReader(from, StandardCharsets.UTF_8)) {
                char[] buffer = new char[8192];
                for (int n; (n = reader.read(buffer)) >= 0; ) {
                  to.write(buffer, 0, n);
                  to.flush();
                }
              } catch (IOException e) {
                LOG.log(Level.DEBUG, "sandbox output closed", e);
              }
            });
  }

  private static void feed(InputStream from, OutputStream to) {
    try (to) {
      from.transferTo(to);
    } catch (IOException e) {
      // The sandbox closed its stdin or ended; nothing more to feed.
      LOG.log(Level.DEBUG, "sandbox stdin closed", e);
    }
  }

  @Override
  public void close() {}
}
