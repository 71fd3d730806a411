package dev.corral.server;

import dev.corral.api.ExecEvent;
import dev.corral.api.ExecRequest;
import dev.corral.api.LogEnd;
import dev.corral.api.SandboxList;
import dev.corral.api.SandboxRequest;
import dev.corral.core.ConflictException;
import dev.corral.core.SandboxId;
import dev.corral.core.SandboxOutcome;
import dev.corral.core.SandboxSpec;
import dev.corral.core.Stdio;
import dev.corral.core.UsageException;
import dev.corral.engine.Engine;
import dev.corral.engine.Sandbox;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The sandbox endpoints under {@code /api/v1/sandboxes}. */
final class SandboxRoutes {
  private final SandboxRegistry registry;
  private final Engine engine;

  SandboxRoutes(SandboxRegistry registry, Engine engine) {
    this.registry = registry;
    this.engine = engine;
  }

  void register(Routes routes) {
    routes.post(
        "/api/v1/sandboxes",
        ctx -> {
          LiveSandbox sandbox = registry.create(Json.read(ctx.bodyAsBytes(), SandboxRequest.class));
          ctx.header("Location", "/api/v1/sandboxes/" + sandbox.name());
          CorralServer.json(ctx, 201, sandbox.view());
        });
    routes.get(
        "/api/v1/sandboxes",
        ctx ->
            CorralServer.json(
                ctx,
                200,
                new SandboxList(registry.list().stream().map(LiveSandbox::view).toList())));
    routes.get("/api/v1/sandboxes/{name}", ctx -> CorralServer.json(ctx, 200, live(ctx).view()));
    routes.post(
        "/api/v1/sandboxes/{name}/stop",
        ctx -> {
          registry.stop(ctx.pathParam("name"));
          CorralServer.json(ctx, 200, live(ctx).view());
        });
    routes.post("/api/v1/sandboxes/{name}/pause", ctx -> unsupported(live(ctx), "pause"));
    routes.post("/api/v1/sandboxes/{name}/resume", ctx -> unsupported(live(ctx), "resume"));
    routes.delete(
        "/api/v1/sandboxes/{name}",
        ctx -> {
          registry.remove(ctx.pathParam("name"));
          ctx.status(204);
        });
    routes.post("/api/v1/sandboxes/{name}/exec", this::exec);
    routes.sse(
        "/api/v1/sandboxes/{name}/events",
        client -> {
          LiveSandbox sandbox = registry.get(client.ctx().pathParam("name"));
          LogStream.follow(
              client,
              sandbox.log(),
              LogStream.start(client.ctx()),
              position -> {
                SandboxOutcome outcome = sandbox.outcome();
                return outcome == null
                    ? null
                    : new LogEnd(sandbox.view().state(), outcome.exitCode(), position);
              });
        });
    routes.get(
        "/api/v1/sandboxes/{name}/files",
        ctx ->
            ctx.contentType("application/octet-stream")
                .result(WorkspaceFiles.read(workspace(ctx), path(ctx))));
    routes.put(
        "/api/v1/sandboxes/{name}/files",
        ctx -> {
          WorkspaceFiles.write(workspace(ctx), path(ctx), ctx.bodyAsBytes());
          ctx.status(204);
        });
    routes.ws(
        "/api/v1/sandboxes/{name}/terminal", ws -> new SandboxTerminal(registry).configure(ws));
  }

  private LiveSandbox live(Context ctx) {
    return registry.get(ctx.pathParam("name"));
  }

  private java.nio.file.Path workspace(Context ctx) {
    return live(ctx).spec().workspace().path();
  }

  private static String path(Context ctx) {
    String path = ctx.queryParam("path");
    if (path == null) {
      throw new UsageException("missing query parameter 'path'", "e.g. ?path=src/main.py");
    }
    return path;
  }

  private static void unsupported(LiveSandbox sandbox, String what) {
    throw new ConflictException(
        "the " + sandbox.view().backend() + " backend cannot " + what + " a sandbox",
        "stop it instead; pause and resume need a backend that supports them (e.g. docker, when"
            + " it lands)");
  }

  /**
   * Runs a command next to the sandbox: in a sibling sandbox with the same workspace, environment,
   * limits and egress policy (the native backend cannot enter a running sandbox's namespaces), and
   * streams its output as NDJSON {@link ExecEvent}s, the exit code last.
   */
  private void exec(Context ctx) throws IOException, InterruptedException {
    LiveSandbox live = live(ctx);
    ExecRequest request = Json.read(ctx.bodyAsBytes(), ExecRequest.class);
    if (request.command() == null || request.command().isEmpty()) {
      throw new UsageException(
          "missing field 'command' in the request body", "e.g. {\"command\":[\"ls\",\"-la\"]}");
    }
    if (!live.running()) {
      throw new ConflictException("sandbox " + live.name() + " is not running", null);
    }
    SandboxSpec base = live.spec();
    SandboxSpec spec =
        new SandboxSpec(
            SandboxId.of("exec-" + Long.toHexString(System.nanoTime() & 0xffffffffL)),
            base.workspace(),
            request.command(),
            base.env(),
            base.mounts(),
            base.filesystem(),
            base.limits(),
            base.network(),
            Stdio.PIPE,
            base.timeout(),
            base.container());
    try (Sandbox sandbox = engine.start(spec, Optional.of(live.view().backend()))) {
      sandbox.process().stdin().close();
      ctx.status(200).contentType("application/x-ndjson");
      OutputStream out = ctx.outputStream();
      Thread stdout =
          Thread.ofVirtual().start(() -> relay(sandbox.process().stdout(), "stdout", out));
      Thread stderr =
          Thread.ofVirtual().start(() -> relay(sandbox.process().stderr(), "stderr", out));
      SandboxOutcome outcome = sandbox.await();
      stdout.join();
      stderr.join();
      line(out, new ExecEvent(null, null, outcome.exitCode()));
    }
  }

  private static void relay(InputStream in, String stream, OutputStream out) {
    byte[] buffer = new byte[8192];
    byte[] pending = new byte[0];
    try (in) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        byte[] bytes = concat(pending, buffer, n);
        int complete = Utf8.completePrefix(bytes);
        if (complete > 0) {
          line(
              out,
              new ExecEvent(stream, new String(bytes, 0, complete, StandardCharsets.UTF_8), null));
        }
        pending = java.util.Arrays.copyOfRange(bytes, complete, bytes.length);
      }
    } catch (IOException e) {
      // The client went away or the command ended; the exit code line reports the end.
    }
  }

  private static byte[] concat(byte[] head, byte[] buffer, int n) {
    byte[] bytes = java.util.Arrays.copyOf(head, head.length + n);
    System.arraycopy(buffer, 0, bytes, head.length, n);
    return bytes;
  }

  private static void line(OutputStream out, ExecEvent event) {
    byte[] json = Json.write(event);
    synchronized (out) {
      try {
        out.write(json);
        out.write('\n');
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
