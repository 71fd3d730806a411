package dev.corral.server;

import dev.corral.core.Store;
import dev.corral.core.TaskId;
import dev.corral.core.TaskRecord;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code /api/v1/tasks/{id}/attach}: a WebSocket that shows a task's output live, from its first
 * byte, as text frames, and closes (1000, with the final state as reason) when the task ended. Any
 * number of viewers may watch one task. Headless tasks take no input, so viewers are read-only:
 * frames a client sends are ignored.
 */
final class LogViewer {
  private static final int CHUNK = 32 * 1024;

  private final Store store;
  private final TaskFiles files;
  private final Map<String, Thread> followers = new ConcurrentHashMap<>();

  LogViewer(Store store, TaskFiles files) {
    this.store = store;
    this.files = files;
  }

  void configure(WsConfig ws) {
    ws.onConnect(
        ctx -> {
          TaskId id = TaskId.of(ctx.pathParam("id"));
          if (store.task(id).isEmpty()) {
            ctx.closeSession(4404, "no task " + id);
            return;
          }
          followers.put(
              ctx.sessionId,
              Thread.ofVirtual().name("corral-attach-" + id).start(() -> follow(ctx, id)));
        });
    ws.onClose(
        ctx -> {
          Thread follower = followers.remove(ctx.sessionId);
          if (follower != null) {
            follower.interrupt();
          }
        });
  }

  private void follow(WsContext ctx, TaskId id) {
    long offset = 0;
    try {
      while (ctx.session.isOpen()) {
        byte[] bytes = files.read(id, offset, CHUNK);
        int complete = Utf8.completePrefix(bytes);
        if (complete > 0) {
          ctx.send(new String(bytes, 0, complete, StandardCharsets.UTF_8));
          offset += complete;
          continue;
        }
        TaskRecord task = store.task(id).orElseThrow(() -> TaskRunner.missing(id));
        if (task.state().terminal() && files.logSize(id) <= offset + bytes.length) {
          ctx.closeSession(1000, "task " + task.state().wireName());
          return;
        }
        files.await(id, offset + bytes.length, Duration.ofSeconds(15));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (ctx.session.isOpen()) {
        ctx.closeSession(1011, "cannot read the log");
      }
    } finally {
      followers.remove(ctx.sessionId);
    }
  }
}
