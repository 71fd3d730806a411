package dev.corral.server;

import dev.corral.api.ApplyRequest;
import dev.corral.api.ApplyResult;
import dev.corral.api.ArtifactList;
import dev.corral.api.LogEnd;
import dev.corral.api.MergeRequest;
import dev.corral.api.MergeResult;
import dev.corral.api.ReviewView;
import dev.corral.api.TaskList;
import dev.corral.api.TaskRequest;
import dev.corral.api.TaskView;
import dev.corral.core.ApprovalAnswer;
import dev.corral.core.ConflictException;
import dev.corral.core.Store;
import dev.corral.core.TaskId;
import dev.corral.core.TaskRecord;
import dev.corral.core.TaskState;
import dev.corral.core.UsageException;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The task endpoints under {@code /api/v1/tasks}, including the SSE log stream. */
final class TaskRoutes {

  private final Store store;
  private final TaskRunner runner;
  private final TaskFiles files;
  private final TaskResults results;
  private final TaskWorkspaces workspaces;
  private final ApprovalQueue approvals;

  TaskRoutes(
      Store store,
      TaskRunner runner,
      TaskFiles files,
      TaskWorkspaces workspaces,
      ApprovalQueue approvals) {
    this.store = store;
    this.runner = runner;
    this.files = files;
    this.results = new TaskResults(files);
    this.workspaces = workspaces;
    this.approvals = approvals;
  }

  void register(Routes routes) {
    routes.post("/api/v1/tasks", this::submit);
    routes.get("/api/v1/tasks", this::list);
    routes.get("/api/v1/tasks/{id}", ctx -> CorralServer.json(ctx, 200, view(task(ctx), true)));
    routes.post(
        "/api/v1/tasks/{id}/cancel",
        ctx -> CorralServer.json(ctx, 200, view(runner.cancel(id(ctx)), true)));
    routes.get("/api/v1/tasks/{id}/log", this::log);
    routes.sse("/api/v1/tasks/{id}/events", this::stream);
    routes.ws("/api/v1/tasks/{id}/attach", ws -> new LogViewer(store, files, runner).configure(ws));
    routes.get(
        "/api/v1/tasks/{id}/diff",
        ctx -> ctx.contentType("text/x-diff; charset=utf-8").result(results.diff(task(ctx).id())));
    routes.get("/api/v1/tasks/{id}/review", this::review);
    routes.post("/api/v1/tasks/{id}/merge", this::merge);
    routes.post("/api/v1/tasks/{id}/apply", this::apply);
    routes.post("/api/v1/tasks/{id}/discard", this::discard);
    routes.get(
        "/api/v1/tasks/{id}/artifacts",
        ctx -> CorralServer.json(ctx, 200, new ArtifactList(results.artifacts(task(ctx).id()))));
    routes.get("/api/v1/tasks/{id}/artifact", this::artifact);
  }

  private void submit(Context ctx) {
    TaskRequest request = Json.read(ctx.bodyAsBytes(), TaskRequest.class);
    TaskRecord task = runner.submit(TaskViews.toSpec(request));
    ctx.header("Location", "/api/v1/tasks/" + task.id());
    CorralServer.json(ctx, 201, view(task, false));
  }

  private void list(Context ctx) {
    String state = ctx.queryParam("state");
    Set<TaskState> states = state == null ? Set.of() : EnumSet.of(TaskState.fromWireName(state));
    int limit = intParam(ctx, "limit", 100, 1, 10_000);
    List<TaskView> tasks = store.tasks(states, limit).stream().map(t -> view(t, false)).toList();
    CorralServer.json(ctx, 200, new TaskList(tasks));
  }

  private void log(Context ctx) {
    TaskId id = task(ctx).id();
    long offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    Path log = files.log(id).file();
    long size = files.logSize(id);
    ctx.header("X-Corral-Log-Size", Long.toString(size));
    ctx.contentType("text/plain; charset=utf-8");
    if (offset >= size) {
      ctx.result(new byte[0]);
      return;
    }
    try {
      InputStream in = Files.newInputStream(log);
      in.skipNBytes(offset);
      ctx.result(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The task's log as SSE (see {@link LogStream}); ends once the task ended. */
  private void stream(SseClient client) {
    TaskId id = task(client.ctx()).id();
    LogStream.follow(
        client,
        files.log(id),
        LogStream.start(client.ctx()),
        position -> {
          TaskRecord task = store.task(id).orElseThrow(() -> TaskRunner.missing(id));
          return task.state().terminal()
              ? new LogEnd(task.state().wireName(), task.exitCode().orElse(null), position)
              : null;
        });
  }

  private void review(Context ctx) {
    TaskRecord task = task(ctx);
    ReviewView review =
        results
            .review(task.id())
            .orElseThrow(
                () ->
                    new ConflictException(
                        "task "
                            + task.id()
                            + " is "
                            + task.state().wireName()
                            + " and has no saved work to review yet",
                        "wait until it ends: `corral task logs -f " + task.id() + "`"));
    CorralServer.json(ctx, 200, review);
  }

  private void merge(Context ctx) {
    TaskRecord task = integrable(ctx, "merge");
    byte[] body = ctx.bodyAsBytes();
    MergeRequest request =
        body.length == 0 ? new MergeRequest(null, null) : Json.read(body, MergeRequest.class);
    MergeResult merged =
        workspaces.merge(
            task.id(),
            task.spec().repo(),
            Boolean.TRUE.equals(request.squash()),
            Boolean.TRUE.equals(request.acceptRisk()));
    approvals.settleMerge(
        task.id().value(),
        "POST /api/v1/tasks/" + task.id() + "/merge",
        new ApprovalAnswer.AllowOnce());
    CorralServer.json(ctx, 200, merged);
  }

  private void apply(Context ctx) {
    TaskRecord task = integrable(ctx, "apply");
    byte[] body = ctx.bodyAsBytes();
    ApplyRequest request =
        body.length == 0 ? new ApplyRequest(null) : Json.read(body, ApplyRequest.class);
    ApplyResult applied =
        workspaces.apply(task.id(), task.spec().repo(), Boolean.TRUE.equals(request.acceptRisk()));
    approvals.settleMerge(
        task.id().value(),
        "POST /api/v1/tasks/" + task.id() + "/apply",
        new ApprovalAnswer.Apply());
    CorralServer.json(ctx, 200, applied);
  }

  private void discard(Context ctx) {
    TaskRecord task = task(ctx);
    if (!task.state().terminal()) {
      throw new ConflictException(
          "task " + task.id() + " is " + task.state().wireName() + "; discard it once it ended",
          "cancel it first with `corral task cancel " + task.id() + "`");
    }
    workspaces.discard(task.id());
    approvals.settleMerge(
        task.id().value(),
        "POST /api/v1/tasks/" + task.id() + "/discard",
        new ApprovalAnswer.Deny(false));
    ctx.status(204);
  }

  /** A task whose work may be merged or applied: it ended, and its work was saved. */
  private TaskRecord integrable(Context ctx, String verb) {
    TaskRecord task = task(ctx);
    if (!task.state().terminal() || results.review(task.id()).isEmpty()) {
      throw new ConflictException(
          "task "
              + task.id()
              + " is "
              + task.state().wireName()
              + (task.state().terminal() ? " and left no saved work" : "")
              + "; there is nothing to "
              + verb
              + " yet",
          "look at its log with `corral task logs " + task.id() + "`");
    }
    if (results.diff(task.id()).isEmpty()) {
      throw new ConflictException(
          "task " + task.id() + " changed nothing; there is nothing to " + verb, null);
    }
    return task;
  }

  private void artifact(Context ctx) {
    TaskId id = task(ctx).id();
    String path = ctx.queryParam("path");
    if (path == null) {
      throw new UsageException("missing query parameter 'path'", "e.g. ?path=dist/app.jar");
    }
    Path file = results.artifact(id, path);
    try {
      ctx.contentType("application/octet-stream").result(Files.newInputStream(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static TaskId id(Context ctx) {
    return TaskId.of(ctx.pathParam("id"));
  }

  private TaskRecord task(Context ctx) {
    TaskId id = id(ctx);
    return store.task(id).orElseThrow(() -> TaskRunner.missing(id));
  }

  private TaskView view(TaskRecord task, boolean detailed) {
    return TaskViews.view(
        task,
        workspaces.branch(task.id()),
        files.logSize(task.id()),
        detailed ? results.artifacts(task.id()) : List.of(),
        detailed ? results.deniedHosts(task.id()) : List.of(),
        detailed ? store.history(task.id()) : List.of());
  }

  private static int intParam(Context ctx, String name, int fallback, int min, int max) {
    String value = ctx.queryParam(name);
    if (value == null) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < min || parsed > max) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new UsageException(
          "invalid query parameter " + name + "='" + value + "'",
          "give a whole number from " + min + " to " + max);
    }
  }
}
