package dev.corral.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.api.ApplyRequest;
import dev.corral.api.ApplyResult;
import dev.corral.api.ApprovalAnswerRequest;
import dev.corral.api.ApprovalList;
import dev.corral.api.ApprovalView;
import dev.corral.api.ArtifactList;
import dev.corral.api.EgressChangeView;
import dev.corral.api.EgressLogView;
import dev.corral.api.EgressPolicyView;
import dev.corral.api.EgressRuleRequest;
import dev.corral.api.ExecEvent;
import dev.corral.api.ExecRequest;
import dev.corral.api.Health;
import dev.corral.api.LogChunk;
import dev.corral.api.LogEnd;
import dev.corral.api.MergeRequest;
import dev.corral.api.MergeResult;
import dev.corral.api.Problem;
import dev.corral.api.ReviewView;
import dev.corral.api.SandboxList;
import dev.corral.api.SandboxRequest;
import dev.corral.api.SandboxView;
import dev.corral.api.TaskList;
import dev.corral.api.TaskRequest;
import dev.corral.api.TaskView;
import dev.corral.api.TokenList;
import dev.corral.api.TokenRequest;
import dev.corral.api.TokenView;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A client of one Corral server. Thread-safe; one instance may be shared. Every call throws {@link
 * CorralApiException} with the server's problem body when the server refuses it.
 */
public final class CorralClient {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final URI base;
  private final String token;
  private final HttpClient http;

  private CorralClient(URI base, String token) {
    String text = base.toString();
    this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    this.token = token;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  /**
   * A client of the server at {@code base} (e.g. {@code http://127.0.0.1:7777}) with {@code token}.
   */
  public static CorralClient of(URI base, String token) {
    return new CorralClient(base, token);
  }

  public URI base() {
    return base;
  }

  public Health health() {
    return get("/healthz", Health.class);
  }

  public Health ready() {
    return get("/readyz", Health.class);
  }

  /** The Prometheus exposition text of {@code /metrics}. */
  public String metrics() {
    return text(request("/metrics").GET());
  }

  /** The OpenAPI document, as JSON text. */
  public String openApi() {
    return text(request("/api/v1/openapi.json").GET());
  }

  public TaskView submit(TaskRequest task) {
    return send(request("/api/v1/tasks").POST(json(task)), TaskView.class);
  }

  /** Tasks newest first, optionally only in {@code state} (e.g. {@code running}). */
  public List<TaskView> tasks(Optional<String> state, int limit) {
    String query = "?limit=" + limit + state.map(s -> "&state=" + encode(s)).orElse("");
    return get("/api/v1/tasks" + query, TaskList.class).tasks();
  }

  public TaskView task(String id) {
    return get("/api/v1/tasks/" + encode(id), TaskView.class);
  }

  public TaskView cancel(String id) {
    return send(
        request("/api/v1/tasks/" + encode(id) + "/cancel")
            .POST(HttpRequest.BodyPublishers.noBody()),
        TaskView.class);
  }

  /** The task's log from byte {@code offset} to its current end. */
  public String log(String id, long offset) {
    return text(request("/api/v1/tasks/" + encode(id) + "/log?offset=" + offset).GET());
  }

  public String diff(String id) {
    return text(request("/api/v1/tasks/" + encode(id) + "/diff").GET());
  }

  /** The review of the task's saved changes; a 409 problem while it has none yet. */
  public ReviewView review(String id) {
    return get("/api/v1/tasks/" + encode(id) + "/review", ReviewView.class);
  }

  /** Merges with a merge commit, refused (409) while review blocks. */
  public MergeResult merge(String id) {
    return merge(id, false, false);
  }

  /**
   * Merges the task's branch into its source repository's current branch; {@code acceptRisk} merges
   * despite blocking review findings (recorded in the commit).
   */
  public MergeResult merge(String id, boolean squash, boolean acceptRisk) {
    return send(
        request("/api/v1/tasks/" + encode(id) + "/merge")
            .header("Content-Type", "application/json")
            .POST(json(new MergeRequest(squash, acceptRisk))),
        MergeResult.class);
  }

  /** Removes an ended task's workspace (clone, branch, refs); its log and results stay. */
  public void discard(String id) {
    exchange(
        request("/api/v1/tasks/" + encode(id) + "/discard")
            .POST(HttpRequest.BodyPublishers.noBody()),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Writes the task's changes into its source repository's working tree, unstaged. */
  public ApplyResult apply(String id, boolean acceptRisk) {
    return send(
        request("/api/v1/tasks/" + encode(id) + "/apply")
            .header("Content-Type", "application/json")
            .POST(json(new ApplyRequest(acceptRisk))),
        ApplyResult.class);
  }

  public List<String> artifacts(String id) {
    return get("/api/v1/tasks/" + encode(id) + "/artifacts", ArtifactList.class).paths();
  }

  public byte[] artifact(String id, String path) {
    HttpResponse<byte[]> response =
        exchange(
            request("/api/v1/tasks/" + encode(id) + "/artifact?path=" + encode(path)).GET(),
            HttpResponse.BodyHandlers.ofByteArray());
    return response.body();
  }

  /**
   * Follows the task's log from byte {@code offset}: calls {@code chunks} for each piece as it
   * arrives and returns when the task ended (or {@code chunks} throws). Resumes where it left off
   * if the connection drops.
   */
  public LogEnd follow(String id, long offset, Consumer<LogChunk> chunks) {
    return followEvents("/api/v1/tasks/" + encode(id) + "/events", offset, chunks);
  }

  private LogEnd followEvents(String path, long offset, Consumer<LogChunk> chunks) {
    long position = offset;
    int failures = 0;
    while (true) {
      HttpResponse<InputStream> response;
      try {
        response =
            exchange(
                request(path)
                    .header("Accept", "text/event-stream")
                    .header("Last-Event-ID", Long.toString(position))
                    .GET(),
                HttpResponse.BodyHandlers.ofInputStream());
      } catch (CorralApiException e) {
        if (e.status() != 0 || ++failures > 5) {
          throw e;
        }
        pause();
        continue;
      }
      try (SseReader reader = new SseReader(response.body())) {
        SseReader.Event event;
        while ((event = reader.next()) != null) {
          switch (event.name()) {
            case "log" -> {
              LogChunk chunk = read(event.data(), LogChunk.class);
              position = chunk.offset();
              chunks.accept(chunk);
            }
            case "end" -> {
              return read(event.data(), LogEnd.class);
            }
            default -> {
              // Unknown events come from a newer server; skip them.
            }
          }
        }
      } catch (IOException e) {
        if (++failures > 5) {
          throw unreachable(e);
        }
      }
      pause();
    }
  }

  /** Approvals newest first, optionally only in {@code state} (e.g. {@code pending}). */
  public ApprovalList approvals(Optional<String> state, int limit) {
    String query = "?limit=" + limit + state.map(s -> "&state=" + encode(s)).orElse("");
    return get("/api/v1/approvals" + query, ApprovalList.class);
  }

  public ApprovalView approval(String id) {
    return get("/api/v1/approvals/" + encode(id), ApprovalView.class);
  }

  /** Answers a pending approval; a 409 problem says when it was already answered or expired. */
  public ApprovalView answer(String id, ApprovalAnswerRequest answer) {
    return send(
        request("/api/v1/approvals/" + encode(id) + "/answer").POST(json(answer)),
        ApprovalView.class);
  }

  /**
   * Follows the approval stream: the pending approvals first, then every new and changed one, until
   * {@code each} returns false. Resumes after the last change seen if the connection drops.
   */
  public void followApprovals(java.util.function.Predicate<ApprovalView> each) {
    long seen = -1;
    int failures = 0;
    while (true) {
      HttpRequest.Builder builder =
          request("/api/v1/approvals/events").header("Accept", "text/event-stream").GET();
      if (seen >= 0) {
        builder.header("Last-Event-ID", Long.toString(seen));
      }
      HttpResponse<InputStream> response;
      try {
        response = exchange(builder, HttpResponse.BodyHandlers.ofInputStream());
      } catch (CorralApiException e) {
        if (e.status() != 0 || ++failures > 5) {
          throw e;
        }
        pause();
        continue;
      }
      try (SseReader reader = new SseReader(response.body())) {
        SseReader.Event event;
        while ((event = reader.next()) != null) {
          if (!event.name().equals("approval")) {
            continue; // from a newer server
          }
          ApprovalView approval = read(event.data(), ApprovalView.class);
          if (event.id() != null) {
            seen = Long.parseLong(event.id());
          }
          if (!each.test(approval)) {
            return;
          }
        }
      } catch (IOException e) {
        if (++failures > 5) {
          throw unreachable(e);
        }
      }
      pause();
    }
  }

  public SandboxView createSandbox(SandboxRequest sandbox) {
    return send(request("/api/v1/sandboxes").POST(json(sandbox)), SandboxView.class);
  }

  public List<SandboxView> sandboxes() {
    return get("/api/v1/sandboxes", SandboxList.class).sandboxes();
  }

  public SandboxView sandbox(String name) {
    return get("/api/v1/sandboxes/" + encode(name), SandboxView.class);
  }

  /** Stops the sandbox (SIGTERM, then SIGKILL after 5 s); it stays listed until removed. */
  public SandboxView stopSandbox(String name) {
    return sandboxAction(name, "stop");
  }

  public SandboxView pauseSandbox(String name) {
    return sandboxAction(name, "pause");
  }

  public SandboxView resumeSandbox(String name) {
    return sandboxAction(name, "resume");
  }

  private SandboxView sandboxAction(String name, String action) {
    return send(
        request("/api/v1/sandboxes/" + encode(name) + "/" + action)
            .POST(HttpRequest.BodyPublishers.noBody()),
        SandboxView.class);
  }

  public void removeSandbox(String name) {
    exchange(
        request("/api/v1/sandboxes/" + encode(name)).DELETE(),
        HttpResponse.BodyHandlers.discarding());
  }

  /**
   * Runs {@code command} next to the sandbox (same workspace, policy and limits), passing each
   * output chunk to {@code output} as it arrives; returns the exit code.
   */
  public int exec(String name, List<String> command, Consumer<ExecEvent> output) {
    HttpResponse<InputStream> response =
        exchange(
            request("/api/v1/sandboxes/" + encode(name) + "/exec")
                .POST(json(new ExecRequest(command))),
            HttpResponse.BodyHandlers.ofInputStream());
    try (var reader =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        ExecEvent event = read(line, ExecEvent.class);
        Integer exit = event.exitCode();
        if (exit != null) {
          return exit;
        }
        output.accept(event);
      }
    } catch (IOException e) {
      throw unreachable(e);
    }
    throw new CorralApiException(
        new Problem(
            "about:blank", "Bad response", 0, "the exec stream ended without an exit code", null),
        null);
  }

  /** Follows the sandbox's output like {@link #follow} does a task's. */
  public LogEnd followSandbox(String name, long offset, Consumer<LogChunk> chunks) {
    return followEvents("/api/v1/sandboxes/" + encode(name) + "/events", offset, chunks);
  }

  public void upload(String name, String path, byte[] content) {
    exchange(
        request("/api/v1/sandboxes/" + encode(name) + "/files?path=" + encode(path))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(content)),
        HttpResponse.BodyHandlers.discarding());
  }

  public byte[] download(String name, String path) {
    return exchange(
            request("/api/v1/sandboxes/" + encode(name) + "/files?path=" + encode(path)).GET(),
            HttpResponse.BodyHandlers.ofByteArray())
        .body();
  }

  /**
   * Attaches to the sandbox's terminal. Output reaches {@code listener}; with {@code control} the
   * returned session may type and resize (the server refuses control while another client has it).
   */
  public TerminalSession terminal(String name, boolean control, TerminalSession.Listener listener) {
    String ws = base.toString().replaceFirst("^http", "ws");
    URI uri =
        URI.create(
            ws
                + "/api/v1/sandboxes/"
                + encode(name)
                + "/terminal"
                + (control ? "?control=true" : ""));
    return TerminalSession.open(http, uri, token, listener);
  }

  /**
   * Attaches to a task's output (from its first byte, then live). With {@code control} on a task
   * whose agent runs in a terminal, the returned session may type and resize; the server closes it
   * with 4409 when the task has no running terminal or another client has control.
   */
  public TerminalSession attachTask(String id, boolean control, TerminalSession.Listener listener) {
    String ws = base.toString().replaceFirst("^http", "ws");
    URI uri =
        URI.create(
            ws + "/api/v1/tasks/" + encode(id) + "/attach" + (control ? "?control=true" : ""));
    return TerminalSession.open(http, uri, token, listener);
  }

  /**
   * The last {@code limit} egress audit records, oldest first; only denials with {@code denied}.
   */
  public List<java.util.Map<String, Object>> egressLog(boolean denied, int limit) {
    return get(
            "/api/v1/egress/log?limit=" + limit + (denied ? "&denied=true" : ""),
            EgressLogView.class)
        .records();
  }

  /** The effective egress rules for {@code workspace} (the user's rules when empty). */
  public EgressPolicyView egressPolicy(Optional<String> workspace) {
    return get(
        "/api/v1/egress/policy" + workspace.map(w -> "?workspace=" + encode(w)).orElse(""),
        EgressPolicyView.class);
  }

  /** Adds an egress rule ({@code scope} user or project, {@code action} allow or deny). */
  public EgressChangeView addEgressRule(EgressRuleRequest rule) {
    return send(request("/api/v1/egress/policy").POST(json(rule)), EgressChangeView.class);
  }

  public List<TokenView> tokens() {
    return get("/api/v1/tokens", TokenList.class).tokens();
  }

  /** A new token; its secret is in {@link TokenView#token()}, this once. */
  public TokenView createToken(String name) {
    return send(request("/api/v1/tokens").POST(json(new TokenRequest(name))), TokenView.class);
  }

  public void revokeToken(String id) {
    exchange(
        request("/api/v1/tokens/" + encode(id)).DELETE(), HttpResponse.BodyHandlers.discarding());
  }

  private static void pause() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CorralApiException(
          new Problem("about:blank", "Interrupted", 0, "interrupted", null), e);
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + token);
  }

  private <T> T get(String path, Class<T> type) {
    return send(request(path).GET(), type);
  }

  private <T> T send(HttpRequest.Builder request, Class<T> type) {
    return read(
        exchange(request.header("Accept", "application/json"), HttpResponse.BodyHandlers.ofString())
            .body(),
        type);
  }

  private String text(HttpRequest.Builder request) {
    return exchange(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
  }

  private <T> HttpResponse<T> exchange(
      HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
    HttpResponse<T> response;
    byte[] body;
    try {
      response = http.send(request.build(), handler);
      if (response.statusCode() < 400) {
        return response;
      }
      body =
          switch (response.body()) {
            case byte[] bytes -> bytes;
            case String text -> text.getBytes(StandardCharsets.UTF_8);
            case InputStream in -> {
              try (in) {
                yield in.readAllBytes();
              }
            }
            case null, default -> new byte[0];
          };
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unreachable(e);
    }
    throw new CorralApiException(problem(response.statusCode(), body), null);
  }

  private static Problem problem(int status, byte[] body) {
    try {
      Problem problem = MAPPER.readValue(body, Problem.class);
      if (problem.detail() != null) {
        return problem;
      }
    } catch (IOException | RuntimeException e) {
      // Not a problem body (e.g. a proxy's error page): describe the status instead.
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    return new Problem(
        "about:blank", "HTTP " + status, status, text.isEmpty() ? "HTTP " + status : text, null);
  }

  private CorralApiException unreachable(Exception e) {
    String why =
        e instanceof ConnectException ? "connection refused" : String.valueOf(e.getMessage());
    return new CorralApiException(
        new Problem(
            "about:blank",
            "Unreachable",
            0,
            "cannot reach the Corral server at " + base + ": " + why,
            "start it with `corral server`, or pass the right --server URL"),
        e);
  }

  private static HttpRequest.BodyPublisher json(Object body) {
    try {
      return HttpRequest.BodyPublishers.ofByteArray(MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static <T> T read(@Nullable String json, Class<T> type) {
    try {
      return MAPPER.readValue(json == null ? "null" : json, type);
    } catch (JsonProcessingException e) {
      throw new CorralApiException(
          new Problem(
              "about:blank",
              "Bad response",
              0,
              "the server sent invalid JSON: " + e.getOriginalMessage(),
              null),
          e);
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
