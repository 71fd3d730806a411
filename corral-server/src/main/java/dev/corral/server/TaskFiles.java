package dev.corral.server;

import dev.corral.core.TaskId;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The files of each task under {@code DATA/tasks/ID/}: {@code log} (the agent's output, append
 * only, so a byte offset is a stable resume point), {@code diff.patch}, {@code review.json}, {@code
 * artifacts/} and {@code denied-hosts}. Followers of a log wait on a per-task signal that writers
 * raise. Thread-safe.
 */
final class TaskFiles {
  private final Path dataDir;
  private final Path root;
  private final Map<TaskId, AppendLog> logs = new ConcurrentHashMap<>();

  TaskFiles(Path dataDir) {
    this.dataDir = dataDir;
    this.root = dataDir.resolve("tasks");
  }

  /** The server's data directory (store, token, every task's files): hidden from sandboxes. */
  dev.corral.core.HostPath dataDir() {
    return dev.corral.core.HostPath.of(dataDir.toAbsolutePath());
  }

  Path review(TaskId id) {
    return dir(id).resolve("review.json");
  }

  Path dir(TaskId id) {
    return root.resolve(id.value());
  }

  Path artifacts(TaskId id) {
    return dir(id).resolve("artifacts");
  }

  Path diff(TaskId id) {
    return dir(id).resolve("diff.patch");
  }

  Path deniedHosts(TaskId id) {
    return dir(id).resolve("denied-hosts");
  }

  /** The task's log; the same instance for every caller, so waiters see every append. */
  AppendLog log(TaskId id) {
    return logs.computeIfAbsent(id, k -> new AppendLog(dir(k).resolve("log")));
  }

  OutputStream appender(TaskId id) {
    return log(id).appender();
  }

  long logSize(TaskId id) {
    return log(id).size();
  }

  byte[] read(TaskId id, long offset, int max) {
    return log(id).read(offset, max);
  }

  void signal(TaskId id) {
    log(id).signal();
  }

  void await(TaskId id, long offset, Duration max) throws InterruptedException {
    log(id).await(offset, max);
  }
}
