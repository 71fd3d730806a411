package dev.corral.server;

import dev.corral.core.Store;
import dev.corral.core.TaskId;
import dev.corral.core.TaskRecord;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code /api/v1/tasks/{id}/attach}: a WebSocket that shows a task's output live, from its first
 * byte, as text frames, and closes (1000, with the final state as reason) when the task ended. Any
 * number of viewers may watch one task. Viewers are read-only: frames they send are ignored. A
 * client that connects with {@code ?control=true} to a task whose agent runs in a terminal (see
 * {@link dev.corral.core.TaskSpec#terminal()}) gets its keyboard: binary frames are keys, text
 * frames keys or a {@link dev.corral.api.TerminalResize} — unless the task is not running in a
 * terminal or another client has control (closed with 4409 and the reason).
 */
final class LogViewer {
  private static final int CHUNK = 32 * 1024;

  private final Store store;
  private final TaskFiles files;
  private final TaskRunner runner;
  private final Map<String, Thread> followers = new ConcurrentHashMap<>();

  LogViewer(Store store, TaskFiles files, TaskRunner runner) {
    this.store = store;
    this.files = files;
    this.runner = runner;
  }

  void configure(WsConfig ws) {
    ws.onConnect(
        ctx -> {
          // Jetty closes a WebSocket after 30 s without traffic; an agent may think longer.
          ctx.enableAutomaticPings(
              SandboxTerminal.PING.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
          TaskId id = TaskId.of(ctx.pathParam("id"));
          if (store.task(id).isEmpty()) {
            ctx.closeSession(4404, "no task " + id);
            return;
          }
          if ("true".equals(ctx.queryParam("control"))) {
            Optional<TerminalControl> terminal = runner.terminal(id);
            if (terminal.isEmpty()) {
              ctx.closeSession(
                  4409,
                  "task " + id + " is not running in a terminal; connect without control to watch");
              return;
            }
            if (!terminal.get().control(ctx.sessionId)) {
              ctx.closeSession(
                  4409, "another client controls this terminal; connect without control to watch");
              return;
            }
          }
          followers.put(
              ctx.sessionId,
              Thread.ofVirtual().name("corral-attach-" + id).start(() -> follow(ctx, id)));
        });
    ws.onBinaryMessage(
        ctx ->
            runner
                .terminal(TaskId.of(ctx.pathParam("id")))
                .ifPresent(t -> t.binaryFrame(ctx.sessionId, ctx.data())));
    ws.onMessage(
        ctx ->
            runner
                .terminal(TaskId.of(ctx.pathParam("id")))
                .ifPresent(t -> t.textFrame(ctx.sessionId, ctx.message())));
    ws.onClose(
        ctx -> {
          Thread follower = followers.remove(ctx.sessionId);
          if (follower != null) {
            follower.interrupt();
          }
          runner.terminal(TaskId.of(ctx.pathParam("id"))).ifPresent(t -> t.release(ctx.sessionId));
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
