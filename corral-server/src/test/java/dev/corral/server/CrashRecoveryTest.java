package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.api.TaskRequest;
import dev.corral.api.TaskView;
import dev.corral.client.CorralClient;
import dev.corral.core.EnvironmentException;
import dev.corral.store.SqliteStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kill -9 of a real server process: nothing accepted is lost, and the restart reconciles. */
class CrashRecoveryTest {
  @TempDir Path temp;

  private Process startChild(Path data) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ServerProcessMain.class.getName());
    command.add(data.toString());
    command.add(temp.resolve("child").toString());
    command.add("1");
    Files.createDirectories(data);
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(temp.resolve("child.log").toFile())
        .start();
  }

  private static int awaitPort(Path data, Process child) throws Exception {
    Path port = data.resolve("port");
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (!Files.exists(port)) {
      assertThat(child.isAlive()).as("the child server runs").isTrue();
      assertThat(System.nanoTime()).as("the child server listens in time").isLessThan(deadline);
      Thread.sleep(50);
    }
    return Integer.parseInt(Files.readString(port).strip());
  }

  @Test
  void aKilledServerLosesNoAcceptedTaskAndTheRestartReconciles() throws Exception {
    ServerFixture.requireNative();
    Path data = temp.resolve("data");
    Path repo = ServerFixture.repo(temp.resolve("repo"));
    Process child = startChild(data);
    String running;
    String queued;
    try {
      int port = awaitPort(data, child);
      CorralClient client =
          CorralClient.of(
              URI.create("http://127.0.0.1:" + port),
              ServerTokens.read(CorralServer.tokenFile(data)));
      running =
          client
              .submit(
                  TaskRequest.of(
                      repo.toString(),
                      "shell",
                      "echo kept > work.txt; echo before-crash; sleep 60"))
              .id();
      queued =
          client
              .submit(
                  TaskRequest.of(
                      repo.toString(), "shell", "echo after > after.txt; echo queued-ran"))
              .id();
      long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      while (!client.task(running).state().equals("running")
          || !client.log(running, 0).contains("before-crash")) {
        assertThat(System.nanoTime()).as("the first task runs in time").isLessThan(deadline);
        Thread.sleep(20);
      }
      assertThat(client.task(queued).state()).isEqualTo("queued");

      assertThatThrownBy(() -> SqliteStore.open(data.resolve("store.db"), true))
          .as("a second server on the same data directory refuses")
          .isInstanceOf(EnvironmentException.class)
          .hasMessageContaining("another Corral server (pid " + child.pid() + ") is using " + data);
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(child.exitValue()).isEqualTo(137);

    // The same Corral directories as the killed server: its task workspaces live there.
    try (ServerFixture restarted = ServerFixture.start(temp.resolve("child"), data, 1)) {
      TaskView failed = restarted.client.task(running);
      assertThat(failed.state()).isEqualTo("failed");
      assertThat(failed.reason())
          .isEqualTo(
              "the server stopped while the task was running (its native sandbox ended with the"
                  + " server); the log so far is kept");
      assertThat(restarted.client.log(running, 0))
          .startsWith("before-crash\r\n")
          .contains("corral: the server stopped")
          .contains("its work so far is saved on branch corral/" + running);
      assertThat(restarted.client.diff(running))
          .as("the work of the killed agent was saved (in a sandbox) on restart")
          .contains("+++ b/work.txt")
          .contains("+kept");
      assertThat(restarted.client.review(running).files()).isEqualTo(1);

      TaskView ran = TaskApiTestSupport.await(restarted.client, queued);
      assertThat(ran.state()).isEqualTo("succeeded");
      assertThat(restarted.client.log(queued, 0)).isEqualTo("queued-ran\r\n");
      assertThat(ran.history())
          .extracting(t -> t.to())
          .containsExactly("queued", "preparing", "running", "succeeded");
    }
  }
}
