package dev.corral.server;

import dev.corral.api.Health;
import dev.corral.api.Problem;
import dev.corral.api.TokenList;
import dev.corral.api.TokenRequest;
import dev.corral.api.TokenView;
import dev.corral.core.ApiToken;
import dev.corral.core.CorralException;
import dev.corral.core.EgressAdmin;
import dev.corral.core.EnvironmentException;
import dev.corral.core.Store;
import dev.corral.engine.Engine;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A running Corral server: the API on Javalin (virtual threads, Jetty 12) over a {@link Store}, an
 * {@link Engine} and the task runner. {@link #start} returns once it listens; {@link #close} stops
 * it. The caller owns and closes the store.
 */
public final class CorralServer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(CorralServer.class.getName());

  private final Javalin app;
  private final TaskRunner runner;
  private final SandboxRegistry sandboxes;
  private final PromptWatchers prompts;
  private final List<String> routes;
  private final ApprovalQueue approvals;

  private CorralServer(
      Javalin app,
      TaskRunner runner,
      SandboxRegistry sandboxes,
      PromptWatchers prompts,
      List<String> routes,
      ApprovalQueue approvals) {
    this.app = app;
    this.runner = runner;
    this.sandboxes = sandboxes;
    this.prompts = prompts;
    this.routes = routes;
    this.approvals = approvals;
  }

  /** The file holding the first token of the server with data directory {@code dataDir}. */
  public static Path tokenFile(Path dataDir) {
    return dataDir.resolve("token");
  }

  /** The file a running server writes its base URL to, for local clients. */
  public static Path urlFile(Path dataDir) {
    return dataDir.resolve("url");
  }

  /**
   * Starts a server: creates the first token if there is none, reconciles the tasks a previous
   * process left, and listens.
   *
   * @throws EnvironmentException if the address is taken or the data directory is unusable
   */
  public static CorralServer start(
      ServerConfig config,
      Store store,
      Engine engine,
      TaskWorkspaces workspaces,
      AgentCommands agents) {
    return start(config, store, engine, workspaces, agents, Optional.empty());
  }

  /**
   * As {@link #start(ServerConfig, Store, Engine, TaskWorkspaces, AgentCommands)}, with the egress
   * endpoints served by {@code egress} (without it they answer 503).
   */
  public static CorralServer start(
      ServerConfig config,
      Store store,
      Engine engine,
      TaskWorkspaces workspaces,
      AgentCommands agents,
      Optional<EgressAdmin> egress) {
    return start(
        config,
        store,
        engine,
        workspaces,
        agents,
        egress,
        ApprovalQueue.open(store, ApprovalSettings.DEFAULT));
  }

  /**
   * As {@link #start(ServerConfig, Store, Engine, TaskWorkspaces, AgentCommands, Optional)}, with
   * {@code approvals} as the approval queue (the same object the egress gateway and the prompt
   * watcher open approvals through). The server closes the queue when it stops.
   */
  public static CorralServer start(
      ServerConfig config,
      Store store,
      Engine engine,
      TaskWorkspaces workspaces,
      AgentCommands agents,
      Optional<EgressAdmin> egress,
      ApprovalQueue approvals) {
    ServerTokens tokens = new ServerTokens(store, Clock.systemUTC());
    tokens.bootstrap(tokenFile(config.dataDir()));
    DashboardSessions sessions = new DashboardSessions(tokens, Clock.systemUTC());
    TaskFiles files = new TaskFiles(config.dataDir());
    TaskRunner[] holder = new TaskRunner[1];
    SandboxRegistry[] registryHolder = new SandboxRegistry[1];
    ServerMetrics metrics =
        new ServerMetrics(
            store,
            () ->
                (holder[0] == null ? 0 : holder[0].runningCount())
                    + (registryHolder[0] == null ? 0 : registryHolder[0].running()));
    ApprovalSettings settings = approvals.settings();
    // One set of prompt watchers for tasks and sandboxes, closed by the server after both.
    PromptWatchers prompts = new PromptWatchers(approvals, settings.promptHold());
    List<dev.corral.core.HostPath> hidden = hiddenFromSandboxes(config, agents);
    TaskRunner runner =
        new TaskRunner(
            store,
            engine,
            workspaces,
            agents,
            files,
            metrics,
            prompts,
            settings.askHold(),
            hidden,
            config.concurrency());
    holder[0] = runner;
    SandboxRegistry sandboxes =
        new SandboxRegistry(engine, config.dataDir(), prompts, settings.askHold(), hidden);
    registryHolder[0] = sandboxes;
    approvals.decideMergesWith(new TaskMerges(store, workspaces));
    runner.onSucceededWithChanges(id -> openMerge(approvals, id));
    runner.onEnded(
        task ->
            approvals.withdrawFor(
                task.id().value(),
                "task " + task.id() + " ended (" + task.state().wireName() + "); nobody waits"));
    sandboxes.onRemoved(
        name -> approvals.withdrawFor(name, "sandbox " + name + " was removed; nobody waits"));
    runner.start();
    Routes[] registered = new Routes[1];
    Javalin app =
        Javalin.create(
            c -> {
              c.startup.showJavalinBanner = false;
              c.startup.showOldJavalinVersionWarning = false;
              c.concurrency.useVirtualThreads = true;
              c.http.maxRequestSize = config.maxBodyBytes();
              c.jetty.host = config.host();
              c.jetty.port = config.port();
              Routes routes = new Routes(c.routes);
              registered[0] = routes;
              RequestGuard guard = new RequestGuard(tokens, sessions);
              c.routes.before(guard::authenticate);
              c.routes.wsBeforeUpgrade(guard::authenticate);
              c.routes.after(
                  ctx -> {
                    Long start = ctx.attribute("corral.start");
                    if (start != null) {
                      metrics.request(
                          ctx.method().name(),
                          route(ctx),
                          ctx.statusCode(),
                          System.nanoTime() - start);
                    }
                  });
              errors(c.routes);
              routes.get("/healthz", ctx -> json(ctx, 200, new Health("ok", "the server is up")));
              routes.get("/readyz", ctx -> ready(ctx, store));
              routes.get(
                  "/metrics",
                  ctx -> ctx.contentType("text/plain; version=0.0.4").result(metrics.scrape()));
              routes.get(
                  "/api/v1/openapi.json",
                  ctx -> ctx.contentType("application/json").result(openApi()));
              tokenRoutes(routes, tokens);
              new Dashboard(sessions).register(c.routes);
              new TaskRoutes(store, runner, files, workspaces, approvals).register(routes);
              new ApprovalRoutes(approvals).register(routes);
              new SandboxRoutes(sandboxes, engine).register(routes);
              new EgressRoutes(
                      egress.orElseGet(UnwiredEgress::new),
                      dev.corral.core.HostPath.of(config.dataDir().toAbsolutePath()))
                  .register(routes);
            });
    try {
      app.start();
    } catch (RuntimeException e) {
      runner.close();
      prompts.close();
      approvals.close();
      throw new EnvironmentException(
          "cannot listen on " + config.host() + ":" + config.port() + ": " + rootMessage(e),
          "choose another address with --listen HOST:PORT, or stop what uses it");
    }
    return new CorralServer(app, runner, sandboxes, prompts, registered[0].registered(), approvals);
  }

  /**
   * What no sandbox of the server (task or API sandbox) may see: the server's data directory (its
   * token and store), Corral's own directories, the host's agent state and the user's own hidden
   * paths.
   */
  private static List<dev.corral.core.HostPath> hiddenFromSandboxes(
      ServerConfig config, AgentCommands agents) {
    List<dev.corral.core.HostPath> hidden = new java.util.ArrayList<>(agents.hidden());
    hidden.add(dev.corral.core.HostPath.of(config.dataDir().toAbsolutePath()));
    return hidden;
  }

  private static void openMerge(ApprovalQueue approvals, dev.corral.core.TaskId id) {
    try {
      // The answer's work (merge, apply, discard) is done while answering; nothing waits here.
      var _ =
          approvals.open(
              new dev.corral.core.ApprovalRequest.Merge(id.value(), id.value()),
              approvals.settings().mergeHold());
    } catch (RuntimeException e) {
      // The task succeeded; `corral task merge` still works without the approval.
      LOG.log(System.Logger.Level.WARNING, "cannot open the merge approval of " + id, e);
    }
  }

  /** The route template that served {@code ctx}, e.g. {@code /api/v1/tasks/{id}}. */
  private static String route(Context ctx) {
    try {
      var endpoint = ctx.endpoints().lastHttpEndpoint();
      return endpoint == null ? "unmatched" : endpoint.path;
    } catch (RuntimeException e) {
      return "unmatched";
    }
  }

  private static void errors(io.javalin.config.RoutesConfig routes) {
    routes.exception(CorralException.class, (e, ctx) -> problem(ctx, Problems.of(e)));
    routes.exception(
        HttpResponseException.class,
        (e, ctx) -> problem(ctx, Problems.of(e.getStatus(), String.valueOf(e.getMessage()))));
    routes.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.log(System.Logger.Level.ERROR, "internal error on " + ctx.path(), e);
          problem(ctx, Problems.of(500, "internal error: " + e.getClass().getSimpleName()));
        });
    routes.error(
        404,
        "*",
        ctx -> {
          if (ctx.result() == null) {
            problem(ctx, Problems.of(404, "no such endpoint: " + ctx.method() + " " + ctx.path()));
          }
        });
  }

  static void problem(Context ctx, Problem problem) {
    ctx.status(problem.status())
        .contentType("application/problem+json")
        .result(Json.write(problem));
  }

  static void json(Context ctx, int status, Object body) {
    ctx.status(status).contentType("application/json").result(Json.write(body));
  }

  private static void ready(Context ctx, Store store) {
    try {
      store.tasks(Set.of(), 1);
      json(ctx, 200, new Health("ok", "the store answers"));
    } catch (CorralException e) {
      json(ctx, 503, new Health("unavailable", String.valueOf(e.getMessage())));
    }
  }

  private static void tokenRoutes(Routes routes, ServerTokens tokens) {
    routes.get(
        "/api/v1/tokens",
        ctx ->
            json(
                ctx,
                200,
                new TokenList(tokens.list().stream().map(t -> tokenView(t, null)).toList())));
    routes.post(
        "/api/v1/tokens",
        ctx -> {
          TokenRequest request = Json.read(ctx.bodyAsBytes(), TokenRequest.class);
          if (request.name() == null) {
            throw new dev.corral.core.UsageException(
                "missing field 'name' in the request body", null);
          }
          ServerTokens.Created created = tokens.create(request.name());
          json(ctx, 201, tokenView(created.stored(), created.token()));
        });
    routes.delete(
        "/api/v1/tokens/{id}",
        ctx -> {
          tokens.revoke(ctx.pathParam("id"));
          ctx.status(204);
        });
  }

  private static TokenView tokenView(
      ApiToken token, @org.jspecify.annotations.Nullable String secret) {
    return new TokenView(
        token.id(),
        token.name(),
        token.created().toString(),
        token.revoked().map(Object::toString).orElse(null),
        secret);
  }

  private static byte[] openApi() {
    try (InputStream in = CorralServer.class.getResourceAsStream("openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return String.valueOf(cause.getMessage());
  }

  /** The approval queue (also the {@link dev.corral.core.ApprovalGate} to open approvals with). */
  public ApprovalQueue approvals() {
    return approvals;
  }

  /** The port the server listens on (useful with port 0). */
  public int port() {
    return app.port();
  }

  /** {@code "method path"} of every route served; the OpenAPI conformance test reads it. */
  List<String> routes() {
    return routes;
  }

  /** Stops listening and stops the task runner (running tasks are marked failed). */
  @Override
  public void close() {
    try {
      runner.close();
    } finally {
      try {
        sandboxes.close();
      } finally {
        try {
          prompts.close();
          app.stop();
        } finally {
          approvals.close();
        }
      }
    }
  }

  static Optional<String> header(Context ctx, String name) {
    return Optional.ofNullable(ctx.header(name));
  }
}
