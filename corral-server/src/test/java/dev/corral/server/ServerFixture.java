package dev.corral.server;

import dev.corral.client.CorralClient;
import dev.corral.core.CorralDirs;
import dev.corral.core.EventSink;
import dev.corral.core.HostPath;
import dev.corral.engine.Engine;
import dev.corral.nativebackend.NativeBackendProvider;
import dev.corral.store.SqliteStore;
import dev.corral.tck.Capability;
import dev.corral.workspace.ReviewSettings;
import dev.corral.workspace.Workspaces;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A real server on port 0 over a real SQLite store and the native backend, with a real client. */
public final class ServerFixture implements AutoCloseable {
  final Path temp;
  final Path data;
  final SqliteStore store;
  final CorralServer server;
  final String token;
  final CorralClient client;

  private ServerFixture(Path temp, Path data, SqliteStore store, CorralServer server) {
    this.temp = temp;
    this.data = data;
    this.store = store;
    this.server = server;
    this.token = ServerTokens.read(CorralServer.tokenFile(data));
    this.client = CorralClient.of(base(), token);
  }

  static void requireNative() {
    var availability = new NativeBackendProvider().probe();
    Capability.require(availability.usable(), "the native backend (" + availability + ")");
  }

  static ServerFixture start(Path temp, int concurrency) {
    return start(temp, temp.resolve("data"), concurrency);
  }

  static ServerFixture start(Path temp, Path data, int concurrency) {
    return start(temp, data, concurrency, java.util.Optional.empty());
  }

  static ServerFixture start(
      Path temp,
      Path data,
      int concurrency,
      java.util.Optional<dev.corral.core.EgressAdmin> egress) {
    return start(temp, data, concurrency, egress, ApprovalSettings.DEFAULT);
  }

  static ServerFixture start(
      Path temp,
      Path data,
      int concurrency,
      java.util.Optional<dev.corral.core.EgressAdmin> egress,
      ApprovalSettings approvals) {
    requireNative();
    SqliteStore store = SqliteStore.open(data.resolve("store.db"), true);
    try {
      CorralServer server =
          CorralServer.start(
              ServerConfig.loopback(data, 0, concurrency),
              store,
              engine(temp),
              workspaces(temp, data),
              new ShellAgent(),
              egress,
              ApprovalQueue.open(store, approvals));
      return new ServerFixture(temp, data, store, server);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  static CorralDirs dirs(Path temp) {
    return new CorralDirs(
        HostPath.of(temp.resolve("config").toString()),
        HostPath.of(temp.resolve("xdg-data").toString()),
        HostPath.of(temp.resolve("state").toString()),
        HostPath.of(temp.resolve("run").toString()));
  }

  static Engine engine(Path temp) {
    return Engine.load(dirs(temp), EventSink.NONE);
  }

  /**
   * The real clone workspaces under {@code temp}'s data directory, saved on {@code temp}'s engine.
   */
  static CloneTaskWorkspaces workspaces(Path temp, Path data) {
    return new CloneTaskWorkspaces(
        new Workspaces(dirs(temp)), engine(temp), data.resolve("mirrors"), ReviewSettings.DEFAULT);
  }

  URI base() {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  CorralClient client(String otherToken) {
    return CorralClient.of(base(), otherToken);
  }

  /** A git repository with one committed file, {@code README} = "hello\n". */
  public static Path repo(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("README"), "hello\n");
      git(dir, "init", "--quiet", "--initial-branch=main");
      git(dir, "add", "README");
      git(
          dir,
          "-c",
          "user.name=t",
          "-c",
          "user.email=t@localhost",
          "commit",
          "--quiet",
          "-m",
          "first");
      return dir;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static String git(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        throw new IllegalStateException(command + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      store.close();
    }
  }
}
