package dev.corral.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.ApiToken;
import dev.corral.core.EnvironmentException;
import dev.corral.core.ResourceLimits;
import dev.corral.core.SandboxId;
import dev.corral.core.TaskId;
import dev.corral.core.TaskRecord;
import dev.corral.core.TaskSpec;
import dev.corral.core.TaskState;
import dev.corral.core.TaskTransition;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStoreTest {
  @TempDir Path dir;

  static TaskSpec spec(String prompt) {
    return new TaskSpec(
        "/repo",
        Optional.empty(),
        "shell",
        prompt,
        Optional.empty(),
        List.of(),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        List.of());
  }

  private Path db() {
    return dir.resolve("corral.db");
  }

  @Test
  void keepsTokenHashesAndTheirRevocationAcrossReopening() {
    String hash = "ab".repeat(32);
    Instant created = Instant.ofEpochMilli(1_700_000_000_000L);
    try (SqliteStore store = SqliteStore.open(db(), true)) {
      store.addToken(new ApiToken("tok-0000beef", "ci", hash, created, Optional.empty()));
      store.addToken(
          new ApiToken("tok-0000cafe", "laptop", "cd".repeat(32), created, Optional.empty()));
      assertThat(store.revokeToken("tok-0000beef")).isTrue();
      assertThat(store.revokeToken("tok-0000beef")).as("already revoked").isFalse();
      assertThat(store.revokeToken("tok-00000000")).as("unknown").isFalse();
    }
    try (SqliteStore store = SqliteStore.open(db(), true)) {
      List<ApiToken> tokens = store.tokens();
      assertThat(tokens).extracting(ApiToken::id).containsExactly("tok-0000beef", "tok-0000cafe");
      assertThat(tokens.get(0).sha256()).isEqualTo(hash);
      assertThat(tokens.get(0).active()).isFalse();
      assertThat(tokens.get(1).active()).isTrue();
    }
  }

  @Test
  void keepsEveryFieldOfATaskAcrossReopening() {
    TaskSpec spec =
        new TaskSpec(
            "https://git.example.test/repo.git",
            Optional.of("v1.2"),
            "claude",
            "fix the bug\nin two lines ✓",
            Optional.of("docker"),
            List.of("@npm", "api.example.test"),
            List.of("evil.example.test"),
            Optional.of(
                new ResourceLimits(
                    ResourceLimits.parseSize("2g"),
                    256,
                    1.5,
                    Duration.ofMinutes(30),
                    ResourceLimits.parseSize("1g"),
                    512)),
            Optional.of(Duration.ofMinutes(20)),
            List.of("dist/**", "*.log"),
            true,
            false);
    TaskId id = TaskId.random();
    Instant created = Instant.ofEpochMilli(1_700_000_000_123L);
    try (SqliteStore store = SqliteStore.open(db(), true)) {
      store.insert(TaskRecord.accepted(id, spec, created));
    }
    try (SqliteStore store = SqliteStore.open(db(), true)) {
      TaskRecord task = store.task(id).orElseThrow();
      assertThat(task.spec()).isEqualTo(spec);
      assertThat(task.state()).isEqualTo(TaskState.QUEUED);
      assertThat(task.created()).isEqualTo(created);
      assertThat(task.sandbox()).isEmpty();
      assertThat(task.exitCode()).isEmpty();
      assertThat(store.schemaVersion()).isEqualTo(SqliteStore.SCHEMA_VERSION);
    }
  }

  @Test
  void recordsTransitionsAndRefusesMovesTheStateMachineForbids() {
    try (SqliteStore store = SqliteStore.open(db(), false)) {
      TaskId id = TaskId.random();
      store.insert(TaskRecord.accepted(id, spec("p"), Instant.now()));

      assertThat(store.transition(id, TaskState.RUNNING, "skip preparing")).isEmpty();
      assertThat(store.transition(id, TaskState.PREPARING, "cloning")).isPresent();
      store.attachSandbox(id, SandboxId.of("task-1"), "native");
      assertThat(store.transition(id, TaskState.RUNNING, "agent started")).isPresent();
      store.recordExit(id, 0);
      TaskRecord done = store.transition(id, TaskState.SUCCEEDED, "exit 0").orElseThrow();
      assertThat(store.transition(id, TaskState.CANCELLED, "too late")).isEmpty();

      assertThat(done.state()).isEqualTo(TaskState.SUCCEEDED);
      assertThat(done.sandbox()).contains(SandboxId.of("task-1"));
      assertThat(done.backend()).contains("native");
      assertThat(done.exitCode()).contains(0);
      assertThat(done.reason()).isEqualTo("exit 0");
      assertThat(store.history(id))
          .extracting(TaskTransition::from, TaskTransition::to, TaskTransition::reason)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(Optional.empty(), TaskState.QUEUED, "accepted"),
              org.assertj.core.groups.Tuple.tuple(
                  Optional.of(TaskState.QUEUED), TaskState.PREPARING, "cloning"),
              org.assertj.core.groups.Tuple.tuple(
                  Optional.of(TaskState.PREPARING), TaskState.RUNNING, "agent started"),
              org.assertj.core.groups.Tuple.tuple(
                  Optional.of(TaskState.RUNNING), TaskState.SUCCEEDED, "exit 0"));
      assertThat(store.transition(TaskId.random(), TaskState.CANCELLED, "unknown")).isEmpty();
    }
  }

  @Test
  void exactlyOneOfManyConcurrentEndingsWins() throws Exception {
    try (SqliteStore store = SqliteStore.open(db(), false);
        var pool = Executors.newVirtualThreadPerTaskExecutor()) {
      TaskId id = TaskId.random();
      store.insert(TaskRecord.accepted(id, spec("p"), Instant.now()));
      CountDownLatch start = new CountDownLatch(1);
      ConcurrentLinkedQueue<TaskState> winners = new ConcurrentLinkedQueue<>();
      List<TaskState> endings =
          List.of(TaskState.CANCELLED, TaskState.FAILED, TaskState.TIMED_OUT, TaskState.CANCELLED);
      for (int i = 0; i < 32; i++) {
        TaskState ending = endings.get(i % endings.size());
        var _ =
            pool.submit(
                () -> {
                  start.await();
                  store.transition(id, ending, "race").ifPresent(t -> winners.add(t.state()));
                  return null;
                });
      }
      start.countDown();
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      assertThat(winners).hasSize(1);
      assertThat(store.history(id)).hasSize(2);
    }
  }

  @Test
  void listsNewestFirstAndFiltersByState() {
    try (SqliteStore store = SqliteStore.open(db(), false)) {
      List<TaskId> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        TaskId id = TaskId.random();
        ids.add(id);
        store.insert(TaskRecord.accepted(id, spec("p" + i), Instant.now()));
      }
      store.transition(ids.get(1), TaskState.CANCELLED, "user");
      store.transition(ids.get(3), TaskState.CANCELLED, "user");

      assertThat(store.tasks(Set.of(), 100))
          .extracting(TaskRecord::id)
          .containsExactlyElementsOf(ids.reversed());
      assertThat(store.tasks(Set.of(), 2))
          .extracting(TaskRecord::id)
          .containsExactly(ids.get(4), ids.get(3));
      assertThat(store.tasks(Set.of(TaskState.CANCELLED), 100))
          .extracting(TaskRecord::id)
          .containsExactly(ids.get(3), ids.get(1));
      assertThat(store.tasks(Set.of(TaskState.QUEUED, TaskState.RUNNING), 100)).hasSize(3);
    }
  }

  @Test
  void aSecondServerOnTheSameDataDirectoryRefuses() throws Exception {
    // Another process holds the lock (POSIX record lock, like FileChannel's): python's lockf.
    Process holder =
        new ProcessBuilder(
                "python3",
                "-c",
                """
                import fcntl,os,sys,time
                f=open(sys.argv[1],'a+')
                fcntl.lockf(f,fcntl.LOCK_EX)
                f.truncate(0); f.write(str(os.getpid())+'\\n'); f.flush()
                print('locked',flush=True)
                time.sleep(60)
                """,
                db() + ".lock")
            .redirectErrorStream(true)
            .start();
    try {
      var out =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("locked");
      assertThatThrownBy(() -> SqliteStore.open(db(), true))
          .isInstanceOf(EnvironmentException.class)
          .hasMessageContaining("another Corral server (pid " + holder.pid() + ") is using " + dir)
          .satisfies(
              e ->
                  assertThat(((EnvironmentException) e).hint())
                      .get()
                      .asString()
                      .contains("--data DIR"));
    } finally {
      holder.destroyForcibly().waitFor();
    }
    // The lock goes with its process, even when killed: the next server starts.
    try (SqliteStore store = SqliteStore.open(db(), true)) {
      assertThat(store.tasks(Set.of(), 10)).isEmpty();
    }
  }

  @Test
  void aFullDiskRefusesNewWorkAndKeepsWhatItHas() {
    try (SqliteStore store = SqliteStore.open(db(), false)) {
      List<TaskId> kept = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        TaskId id = TaskId.random();
        kept.add(id);
        store.insert(TaskRecord.accepted(id, spec("small"), Instant.now()));
      }
      // SQLite reports SQLITE_FULL when the database may not grow: the same path as a full disk.
      store.pragma("max_page_count = " + pageCount(store));
      String big = "x".repeat(64 * 1024);
      TaskId rejected = TaskId.random();
      assertThatThrownBy(
              () -> store.insert(TaskRecord.accepted(rejected, spec(big), Instant.now())))
          .isInstanceOf(EnvironmentException.class)
          .hasMessageContaining("cannot accept task " + rejected)
          .hasMessageContaining("is full; nothing was changed");

      assertThat(store.task(rejected)).isEmpty();
      assertThat(store.history(rejected)).isEmpty();
      assertThat(store.tasks(Set.of(), 10))
          .extracting(TaskRecord::id)
          .containsExactlyInAnyOrderElementsOf(kept);
    }
  }

  private static long pageCount(SqliteStore store) {
    long[] count = new long[1];
    store.pragma("wal_checkpoint(TRUNCATE)");
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + store.path());
        Statement s = c.createStatement();
        var rs = s.executeQuery("PRAGMA page_count")) {
      count[0] = rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
    return count[0];
  }

  @Test
  void refusesADatabaseFromANewerCorral() throws Exception {
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + db());
        Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = " + (SqliteStore.SCHEMA_VERSION + 1));
    }
    assertThatThrownBy(() -> SqliteStore.open(db(), true))
        .isInstanceOf(EnvironmentException.class)
        .hasMessageContaining("newer than this Corral knows");
    // The lock was released: the failure left nothing held.
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + db());
        Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = 0");
    }
    SqliteStore.open(db(), true).close();
  }

  @Test
  void killMinusNineLosesNoAcceptedTask() throws Exception {
    // A real process accepts tasks as fast as it can and says which; we kill -9 it mid-stream.
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                StoreWriter.class.getName(),
                db().toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    List<String> acknowledged = new ArrayList<>();
    try (var out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        acknowledged.add(line);
        if (acknowledged.size() == 200) {
          new ProcessBuilder("kill", "-9", Long.toString(child.pid())).start().waitFor();
        }
      }
    }
    child.waitFor();
    assertThat(child.exitValue()).isEqualTo(137);
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(200);
    try (SqliteStore store = SqliteStore.open(db(), true)) {
      for (String id : acknowledged) {
        assertThat(store.task(TaskId.of(id))).as(id).isPresent();
        assertThat(store.history(TaskId.of(id))).as(id).isNotEmpty();
      }
    }
  }
}
