package dev.corral.server;

import dev.corral.api.TaskView;
import dev.corral.client.CorralClient;
import java.time.Duration;
import java.util.Set;

/** Waiting for tasks in tests (polls; never asserts how long it took). */
final class TaskApiTestSupport {
  private TaskApiTestSupport() {}

  static TaskView await(CorralClient client, String id) {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline) {
      TaskView task = client.task(id);
      if (Set.of("succeeded", "failed", "cancelled", "timed_out").contains(task.state())) {
        return task;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("task " + id + " did not end: " + client.task(id));
  }
}
