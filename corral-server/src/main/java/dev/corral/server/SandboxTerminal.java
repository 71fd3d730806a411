package dev.corral.server;

import dev.corral.core.CorralException;
import dev.corral.core.SandboxOutcome;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code /api/v1/sandboxes/{name}/terminal}: the sandbox's terminal over a WebSocket. Output goes
 * to every viewer as binary frames (from the start of the output, then live). Viewers are
 * read-only; a client that connects with {@code ?control=true} gets the keyboard (binary frames are
 * input, text frames {@link TerminalResize}) unless another client has it (then it is closed with
 * 4409). The socket closes with 1000 when the sandbox ends.
 */
final class SandboxTerminal {
  private static final int CHUNK = 32 * 1024;

  /** How often an open socket is pinged, well under Jetty's 30 s idle timeout. */
  static final java.time.Duration PING = java.time.Duration.ofSeconds(10);

  private final SandboxRegistry registry;
  private final Map<String, Thread> followers = new ConcurrentHashMap<>();

  SandboxTerminal(SandboxRegistry registry) {
    this.registry = registry;
  }

  void configure(WsConfig ws) {
    ws.onConnect(
        ctx -> {
          // Jetty closes a WebSocket after 30 s without traffic; an agent may think longer.
          ctx.enableAutomaticPings(PING.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
          LiveSandbox sandbox;
          try {
            sandbox = registry.get(ctx.pathParam("name"));
          } catch (CorralException e) {
            ctx.closeSession(4404, String.valueOf(e.getMessage()));
            return;
          }
          if ("true".equals(ctx.queryParam("control"))
              && !sandbox.terminal().control(ctx.sessionId)) {
            ctx.closeSession(
                4409, "another client controls this terminal; connect without control to watch");
            return;
          }
          followers.put(ctx.sessionId, Thread.ofVirtual().start(() -> follow(ctx, sandbox)));
        });
    ws.onBinaryMessage(
        ctx ->
            registry.get(ctx.pathParam("name")).terminal().binaryFrame(ctx.sessionId, ctx.data()));
    ws.onMessage(
        ctx ->
            registry.get(ctx.pathParam("name")).terminal().textFrame(ctx.sessionId, ctx.message()));
    ws.onClose(
        ctx -> {
          Thread follower = followers.remove(ctx.sessionId);
          if (follower != null) {
            follower.interrupt();
          }
          try {
            registry.get(ctx.pathParam("name")).terminal().release(ctx.sessionId);
          } catch (CorralException e) {
            // The sandbox was removed meanwhile.
          }
        });
  }

  private void follow(WsContext ctx, LiveSandbox sandbox) {
    long offset = 0;
    AppendLog log = sandbox.log();
    try {
      while (ctx.session.isOpen()) {
        byte[] bytes = log.read(offset, CHUNK);
        if (bytes.length > 0) {
          ctx.send(ByteBuffer.wrap(bytes));
          offset += bytes.length;
          continue;
        }
        SandboxOutcome outcome = sandbox.outcome();
        if (outcome != null && log.size() <= offset) {
          ctx.closeSession(
              1000, "sandbox " + sandbox.view().state() + " (exit " + outcome.exitCode() + ")");
          return;
        }
        log.await(offset, Duration.ofSeconds(15));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      followers.remove(ctx.sessionId);
    }
  }
}
