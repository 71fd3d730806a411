package dev.corral.server;

import dev.corral.store.SqliteStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Corral server in its own JVM, for tests that kill it with SIGKILL: {@code DATA TEMP
 * CONCURRENCY}. Writes its port to {@code DATA/port} once it listens, then runs until killed.
 */
public final class ServerProcessMain {
  private ServerProcessMain() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    Path temp = Path.of(args[1]);
    SqliteStore store = SqliteStore.open(data.resolve("store.db"), true);
    CorralServer server =
        CorralServer.start(
            ServerConfig.loopback(data, 0, Integer.parseInt(args[2])),
            store,
            ServerFixture.engine(temp),
            ServerFixture.workspaces(temp, data),
            new ShellAgent());
    Path port = data.resolve("port");
    Files.writeString(data.resolve("port.tmp"), Integer.toString(server.port()));
    Files.move(data.resolve("port.tmp"), port, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Thread.sleep(Long.MAX_VALUE);
  }
}
