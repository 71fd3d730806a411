package dev.corral.nativebackend;

import dev.corral.core.SandboxException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Starts every sandbox process from one long-lived platform thread. bubblewrap's {@code
 * --die-with-parent} uses the parent-death signal, which the kernel sends when the <em>thread</em>
 * that forked the child exits: forking from a pooled or virtual thread's carrier would kill
 * sandboxes whenever the pool retires that thread.
 */
final class Spawner {
  private static final ExecutorService THREAD =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "corral-spawner");
            t.setDaemon(true);
            return t;
          });

  private Spawner() {}

  static <T> T spawn(Callable<T> start) {
    Future<T> future = THREAD.submit(start);
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SandboxException("interrupted while starting the sandbox", null, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new SandboxException(
          "cannot start bubblewrap: " + cause.getMessage(), "run `corral doctor`", cause);
    }
  }
}
