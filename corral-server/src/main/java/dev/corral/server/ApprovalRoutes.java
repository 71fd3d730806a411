package dev.corral.server;

import dev.corral.api.ApprovalAnswerRequest;
import dev.corral.api.ApprovalList;
import dev.corral.api.ApprovalView;
import dev.corral.core.ApprovalRecord;
import dev.corral.core.ApprovalState;
import dev.corral.core.UsageException;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code /api/v1/approvals}: list, get, answer, and an SSE stream of every new and changed approval
 * (event {@code approval}, id = the approval's {@code seq}; resume with {@code Last-Event-ID} or
 * {@code ?after=SEQ}; without either, the pending approvals come first, then what changes).
 */
final class ApprovalRoutes {
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  private final ApprovalQueue queue;

  ApprovalRoutes(ApprovalQueue queue) {
    this.queue = queue;
  }

  void register(Routes routes) {
    routes.get("/api/v1/approvals", this::list);
    routes.sse("/api/v1/approvals/events", this::stream);
    routes.get(
        "/api/v1/approvals/{id}",
        ctx -> CorralServer.json(ctx, 200, ApprovalViews.view(queue.get(ctx.pathParam("id")))));
    routes.post("/api/v1/approvals/{id}/answer", this::answer);
  }

  private void list(Context ctx) {
    String state = ctx.queryParam("state");
    Set<ApprovalState> states =
        state == null ? Set.of() : EnumSet.of(ApprovalState.fromWireName(state));
    int limit = limit(ctx);
    List<ApprovalView> approvals =
        queue.list(states, limit).stream().map(ApprovalViews::view).toList();
    CorralServer.json(ctx, 200, new ApprovalList(approvals, queue.pendingCount()));
  }

  private void answer(Context ctx) {
    String id = ApprovalRecord.checkId(ctx.pathParam("id"));
    ApprovalAnswerRequest request = Json.read(ctx.bodyAsBytes(), ApprovalAnswerRequest.class);
    ApprovalRecord answered =
        queue.answer(id, ApprovalViews.answer(request), RequestGuard.principal(ctx));
    CorralServer.json(ctx, 200, ApprovalViews.view(answered));
  }

  private void stream(SseClient client) {
    long seq = resumeFrom(client.ctx());
    try {
      if (seq < 0) {
        // Snapshot events carry no id: a client that drops before any change starts over.
        seq = catchUp(0);
        for (ApprovalRecord approval :
            queue.list(EnumSet.of(ApprovalState.PENDING), 10_000).reversed()) {
          client.sendEvent("approval", json(approval));
        }
      }
      while (!client.terminated()) {
        List<ApprovalRecord> changes = queue.changesAfter(seq);
        if (changes.isEmpty()) {
          queue.awaitChange(seq, KEEP_ALIVE);
          if (queue.changesAfter(seq).isEmpty()) {
            client.sendComment("keep-alive");
          }
          continue;
        }
        for (ApprovalRecord approval : changes) {
          send(client, approval);
          seq = approval.seq();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The newest seq right now: where a fresh stream continues after its snapshot of pending ones.
   */
  private long catchUp(long seq) {
    long at = seq;
    List<ApprovalRecord> more = queue.changesAfter(at);
    while (!more.isEmpty()) {
      at = more.getLast().seq();
      more = queue.changesAfter(at);
    }
    return at;
  }

  private static void send(SseClient client, ApprovalRecord approval) {
    client.sendEvent("approval", json(approval), Long.toString(approval.seq()));
  }

  private static String json(ApprovalRecord approval) {
    return new String(Json.write(ApprovalViews.view(approval)), StandardCharsets.UTF_8);
  }

  /** {@code Last-Event-ID}, else {@code ?after=}, else -1 (start with the pending ones). */
  private static long resumeFrom(Context ctx) {
    String resume = ctx.header("Last-Event-ID");
    if (resume != null && resume.matches("[0-9]{1,18}")) {
      return Long.parseLong(resume);
    }
    String after = ctx.queryParam("after");
    if (after == null) {
      return -1;
    }
    if (!after.matches("[0-9]{1,18}")) {
      throw new UsageException(
          "invalid query parameter after='" + after + "'",
          "give the seq of the last approval seen");
    }
    return Long.parseLong(after);
  }

  private static int limit(Context ctx) {
    String value = ctx.queryParam("limit");
    if (value == null) {
      return 100;
    }
    if (!value.matches("[0-9]{1,5}") || Integer.parseInt(value) < 1) {
      throw new UsageException(
          "invalid query parameter limit='" + value + "'", "give a whole number from 1 to 10000");
    }
    return Math.min(Integer.parseInt(value), 10_000);
  }
}
