package dev.corral.app;

import com.sun.net.httpserver.HttpServer;
import dev.corral.client.CorralClient;
import dev.corral.core.CorralDirs;
import dev.corral.core.EventSink;
import dev.corral.core.HostPath;
import dev.corral.egress.AddressCheck;
import dev.corral.engine.Engine;
import dev.corral.server.ApprovalQueue;
import dev.corral.server.ApprovalSettings;
import dev.corral.server.CloneTaskWorkspaces;
import dev.corral.server.CorralServer;
import dev.corral.server.ServerConfig;
import dev.corral.server.ShellAgent;
import dev.corral.store.SqliteStore;
import dev.corral.tck.Capability;
import dev.corral.workspace.ReviewSettings;
import dev.corral.workspace.Workspaces;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A server composed like {@code corral server} composes it, for end-to-end tests: one approval
 * queue that is also the real egress gateway's approver (through the {@link ApproverSlot}), the
 * real {@link ConfigEgressAdmin}, the native backend and clone workspaces. An upstream HTTP server
 * on 127.0.0.2 answers {@code hello from upstream PATH}; the given test host names resolve to it
 * through the gateway's resolver overrides, and the address guard lets exactly 127.0.0.2 stand in
 * for a public address (every other address gets the real check). Nothing leaves this machine.
 */
final class GatewayServer implements AutoCloseable {
  final CorralServer server;
  final CorralClient client;
  final String token;
  final Path data;
  final int upstreamPort;

  /** The paths the upstream was asked for, in order. */
  final List<String> requests = new CopyOnWriteArrayList<>();

  private final HttpServer upstream;
  private final GatewayEgress egress;
  private final SqliteStore store;

  private GatewayServer(Path tmp, List<String> hosts) throws IOException {
    Capability.require(Files.isExecutable(Path.of("/usr/bin/bwrap")), "bubblewrap");
    Capability.require(Files.isExecutable(Path.of("/usr/bin/socat")), "socat");
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          requests.add(exchange.getRequestURI().toString());
          byte[] body =
              ("hello from upstream " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    upstreamPort = upstream.getAddress().getPort();
    CorralDirs dirs =
        new CorralDirs(
            HostPath.of(tmp.resolve("config")),
            HostPath.of(tmp.resolve("data")),
            HostPath.of(tmp.resolve("state")),
            HostPath.of(tmp.resolve("runtime")));
    TomlConfigSource config = TomlConfigSource.of(dirs);
    ApproverSlot approver = new ApproverSlot();
    egress =
        new GatewayEgress(
            dirs,
            config,
            approver,
            (address, privateTargets) ->
                address.getHostAddress().equals("127.0.0.2")
                    ? Optional.empty()
                    : AddressCheck.refusal(address, privateTargets));
    egress.resolve(
        hosts.stream()
            .collect(java.util.stream.Collectors.toMap(h -> h, h -> "127.0.0.2", (a, b) -> a)));
    data = Files.createDirectories(tmp.resolve("server"));
    store = SqliteStore.open(data.resolve("store.db"), true);
    // As ServerCommand does it: one queue, handed to the gateway through the slot.
    ApprovalQueue approvals = ApprovalQueue.open(store, ApprovalSettings.DEFAULT);
    approver.fill(approvals);
    Engine engine = Engine.load(dirs, EventSink.NONE, egress);
    server =
        CorralServer.start(
            ServerConfig.loopback(data, 0, 1),
            store,
            engine,
            new CloneTaskWorkspaces(
                new Workspaces(dirs), engine, data.resolve("mirrors"), ReviewSettings.DEFAULT),
            new ShellAgent(),
            Optional.of(new ConfigEgressAdmin(dirs, config, egress)),
            approvals);
    token = Files.readString(CorralServer.tokenFile(data)).strip();
    client = CorralClient.of(URI.create(url("")), token);
  }

  /** Starts one with its files under {@code tmp}; {@code hosts} resolve to the upstream. */
  static GatewayServer start(Path tmp, String... hosts) throws IOException {
    return new GatewayServer(tmp, List.of(hosts));
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.port() + path;
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      try {
        store.close();
      } finally {
        try {
          egress.close();
        } finally {
          upstream.stop(0);
        }
      }
    }
  }
}
