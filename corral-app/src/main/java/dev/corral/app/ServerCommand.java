package dev.corral.app;

import dev.corral.api.TokenView;
import dev.corral.client.CorralApiException;
import dev.corral.client.CorralClient;
import dev.corral.core.ConfigSource;
import dev.corral.core.CorralDirs;
import dev.corral.core.EgressAdmin;
import dev.corral.core.EgressPort;
import dev.corral.core.EnvironmentException;
import dev.corral.core.EventSink;
import dev.corral.core.HostPath;
import dev.corral.core.SandboxEvent;
import dev.corral.core.UsageException;
import dev.corral.engine.Engine;
import dev.corral.server.ApprovalQueue;
import dev.corral.server.ApprovalSettings;
import dev.corral.server.CatalogAgents;
import dev.corral.server.CloneTaskWorkspaces;
import dev.corral.server.CorralServer;
import dev.corral.server.ServerConfig;
import dev.corral.store.SqliteStore;
import dev.corral.workspace.LlmSettings;
import dev.corral.workspace.ReviewSettings;
import dev.corral.workspace.Workspaces;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code corral server}: the REST/SSE/WebSocket API and the task runner, until interrupted. Wired
 * here because it needs the store and the backends, which the CLI module does not see.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    description = {
      "Run the Corral API server (REST, SSE, WebSocket) and its headless task runner.",
      "Listens on loopback; every request needs a bearer token (`corral server token`)."
    })
final class ServerCommand implements Callable<Integer> {
  private final CorralDirs dirs;
  private final EgressPort egress;
  private final EgressAdmin admin;
  private final ConfigSource config;
  private final ApproverSlot approver;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String listen = "127.0.0.1:" + ServerConfig.DEFAULT_PORT;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Data directory (default: $XDG_STATE_HOME/corral/server).")
  @Nullable Path data;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      description = "Tasks run at once; the rest queue (default: ${DEFAULT-VALUE}).")
  int concurrency = 4;

  @Option(
      names = "--insecure-listen",
      description =
          "Allow a non-loopback address although the API is plain HTTP (tokens in clear text).")
  boolean insecureListen;

  @Spec
  @SuppressWarnings("NullAway.Init")
  CommandSpec spec;

  ServerCommand(
      CorralDirs dirs,
      EgressPort egress,
      EgressAdmin admin,
      ConfigSource config,
      ApproverSlot approver) {
    this.dirs = dirs;
    this.egress = egress;
    this.admin = admin;
    this.config = config;
    this.approver = approver;
  }

  static CommandLine commandLine(
      CorralDirs dirs,
      EgressPort egress,
      EgressAdmin admin,
      ConfigSource config,
      ApproverSlot approver) {
    return new CommandLine(new ServerCommand(dirs, egress, admin, config, approver))
        .addSubcommand(new Token(dirs));
  }

  @Override
  public Integer call() throws InterruptedException {
    int colon = listen.lastIndexOf(':');
    if (colon <= 0) {
      throw new UsageException(
          "invalid --listen '" + listen + "'", "use HOST:PORT, e.g. 127.0.0.1:7777");
    }
    String host = listen.substring(0, colon).replaceAll("^\\[|]$", "");
    int port;
    try {
      port = Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new UsageException(
          "invalid port in --listen '" + listen + "'", "use HOST:PORT, e.g. 127.0.0.1:7777");
    }
    Path dataDir = (data != null ? data : dirs.serverData().path()).toAbsolutePath();
    ServerConfig config =
        new ServerConfig(
            host, port, insecureListen, dataDir, concurrency, ServerConfig.DEFAULT_MAX_BODY);
    PrintWriter err = spec.commandLine().getErr();
    createPrivate(dataDir);
    ApprovalSettings approvalSettings =
        ApprovalConfig.read(dirs.config().path().resolve("config.toml"));
    SqliteStore store = SqliteStore.open(dataDir.resolve("store.db"), true);
    CorralServer server;
    try {
      // The one approval queue: the egress gateway's ask mode and the prompt watcher open their
      // approvals through this same object (it is the ApprovalGate).
      ApprovalQueue approvals = ApprovalQueue.open(store, approvalSettings);
      approver.fill(approvals);
      Engine engine = Engine.load(dirs, reporter(err), egress);
      dev.corral.core.CorralConfig user = userConfig();
      server =
          CorralServer.start(
              config,
              store,
              engine,
              new CloneTaskWorkspaces(
                  new Workspaces(dirs), engine, dataDir.resolve("mirrors"), reviewSettings()),
              new CatalogAgents(
                  user.agents(),
                  dirs,
                  System.getenv(),
                  HostPath.of(System.getProperty("user.home")),
                  user.hidden()),
              Optional.of(admin),
              approvals);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    String url = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + server.port();
    Path urlFile = CorralServer.urlFile(dataDir);
    writeUrl(urlFile, url);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    approver.empty();
                    server.close();
                  } finally {
                    store.close();
                    deleteQuietly(urlFile);
                    stopped.countDown();
                  }
                },
                "corral-server-shutdown"));
    err.println(
        "corral: server listening on "
            + url
            + " (data: "
            + dataDir
            + "; token: `corral server token`)");
    err.flush();
    stopped.await();
    return 0;
  }

  /**
   * The configuration that applies to the server itself: the user's file (and a trusted project
   * file of the directory it was started in). Agent presets and the LLM reviewer come from here.
   */
  private dev.corral.core.CorralConfig userConfig() {
    return config.load(HostPath.of(System.getProperty("user.dir")));
  }

  /** Review limits plus the user's {@code [review.llm]} table (never a project file's). */
  private ReviewSettings reviewSettings() {
    return userConfig()
        .reviewLlm()
        .map(t -> LlmSettings.of(t.api(), t.url(), t.model(), t.keyEnv(), t.keyFile()))
        .map(ReviewSettings.DEFAULT::withLlm)
        .orElse(ReviewSettings.DEFAULT);
  }

  /** The data directory holds task logs, workspaces and the token: only its owner may enter. */
  private static void createPrivate(Path dir) {
    if (Files.isDirectory(dir)) {
      return;
    }
    try {
      Files.createDirectories(dir.getParent());
      Files.createDirectory(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot create the data directory " + dir + ": " + e.getMessage(),
          "check the permissions of its parent, or choose another with --data DIR");
    }
  }

  private static EventSink reporter(PrintWriter err) {
    return event -> {
      if (event instanceof SandboxEvent.OrphanReaped reaped) {
        err.println(
            "corral: reaped orphaned "
                + reaped.backend()
                + " sandbox leftovers: "
                + reaped.description());
        err.flush();
      }
    };
  }

  private static void writeUrl(Path file, String url) {
    try {
      AtomicFiles.write(file, url + "\n");
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot write " + file + ": " + e.getMessage(),
          "check that the data directory is writable");
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A stale URL file only makes local clients report "connection refused".
    }
  }

  /** {@code corral server token}: prints the local server's token, or manages tokens through it. */
  @Command(
      name = "token",
      mixinStandardHelpOptions = true,
      description = {
        "Print the local server's first token; `create NAME`, `revoke ID` and `ls` manage tokens",
        "through the running local server (only token hashes are stored)."
      })
  static final class Token implements Callable<Integer> {
    private final CorralDirs dirs;

    @Option(names = "--data", paramLabel = "DIR", description = "The server's data directory.")
    @Nullable Path data;

    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "ACTION",
        description = "create, revoke or ls.")
    @Nullable String action;

    @Parameters(
        index = "1",
        arity = "0..1",
        paramLabel = "NAME|ID",
        description = "Token name (create) or id (revoke).")
    @Nullable String argument;

    @Spec
    @SuppressWarnings("NullAway.Init")
    CommandSpec spec;

    Token(CorralDirs dirs) {
      this.dirs = dirs;
    }

    @Override
    public Integer call() {
      Path dataDir = (data != null ? data : dirs.serverData().path()).toAbsolutePath();
      Path tokenFile = CorralServer.tokenFile(dataDir);
      PrintWriter out = spec.commandLine().getOut();
      if (!Files.isRegularFile(tokenFile)) {
        throw new EnvironmentException(
            "no server token in " + dataDir,
            "start the server once with `corral server` to create it");
      }
      String token = read(tokenFile);
      if (action == null) {
        out.println(token);
        out.flush();
        return 0;
      }
      Path urlFile = CorralServer.urlFile(dataDir);
      if (!Files.isRegularFile(urlFile)) {
        throw new EnvironmentException(
            "the local Corral server is not running", "start it with `corral server`");
      }
      CorralClient client = CorralClient.of(URI.create(read(urlFile)), token);
      try {
        switch (action) {
          case "create" -> {
            TokenView created = client.createToken(required("NAME"));
            out.println(created.token());
            spec.commandLine()
                .getErr()
                .println(
                    "corral: token "
                        + created.id()
                        + " ("
                        + created.name()
                        + ") created; it is shown only now");
          }
          case "revoke" -> {
            client.revokeToken(required("ID"));
            out.println("revoked " + argument);
          }
          case "ls" -> {
            for (TokenView t : client.tokens()) {
              out.printf(
                  "%-12s  %-20s  %s%s%n",
                  t.id(),
                  t.name(),
                  t.created(),
                  t.revoked() == null ? "" : "  revoked " + t.revoked());
            }
          }
          default ->
              throw new UsageException(
                  "unknown token action '" + action + "'", "use create NAME, revoke ID or ls");
        }
      } catch (CorralApiException e) {
        throw new EnvironmentException(e.problem().detail(), e.problem().hint());
      }
      out.flush();
      spec.commandLine().getErr().flush();
      return 0;
    }

    private String required(String what) {
      if (argument == null || argument.isBlank()) {
        throw new UsageException("`corral server token " + action + "` needs " + what, null);
      }
      return argument;
    }

    private static String read(Path file) {
      try {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new EnvironmentException("cannot read " + file + ": " + e.getMessage(), null);
      }
    }
  }
}
