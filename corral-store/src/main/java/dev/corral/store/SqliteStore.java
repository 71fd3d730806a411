package dev.corral.store;

import dev.corral.core.ApiToken;
import dev.corral.core.ApprovalAnswer;
import dev.corral.core.ApprovalRecord;
import dev.corral.core.ApprovalState;
import dev.corral.core.EnvironmentException;
import dev.corral.core.SandboxId;
import dev.corral.core.Store;
import dev.corral.core.TaskId;
import dev.corral.core.TaskRecord;
import dev.corral.core.TaskState;
import dev.corral.core.TaskTransition;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The embedded {@link Store}: one SQLite database in WAL mode with {@code synchronous=FULL}, so a
 * committed change survives a crash of the process (and of the machine). One connection, used by
 * one thread at a time: SQLite has a single writer anyway, and the store's calls are short.
 *
 * <p>The schema is versioned with {@code PRAGMA user_version}; {@link #open} applies the migrations
 * under {@code dev/corral/store/migrations/N.sql} in order, each in its own transaction, and
 * refuses a database written by a newer Corral.
 */
public final class SqliteStore implements Store {
  /** The newest schema version this code knows. */
  static final int SCHEMA_VERSION = 3;

  private static final int SQLITE_FULL = SQLiteErrorCode.SQLITE_FULL.code;

  private final Path file;
  private final Connection connection;
  private final @Nullable FileChannel lockChannel;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();

  private SqliteStore(
      Path file, Connection connection, @Nullable FileChannel lockChannel, Clock clock) {
    this.file = file;
    this.connection = connection;
    this.lockChannel = lockChannel;
    this.clock = clock;
  }

  /**
   * Opens (creating if needed) the store at {@code file}. With {@code exclusive}, also takes an
   * exclusive lock on {@code file + ".lock"} for as long as the store is open, so that a second
   * server on the same data directory refuses to start instead of running the same tasks twice.
   *
   * @throws EnvironmentException if the file cannot be opened, is locked by another process, or was
   *     written by a newer Corral
   */
  public static SqliteStore open(Path file, boolean exclusive) {
    return open(file, exclusive, Clock.systemUTC());
  }

  static SqliteStore open(Path file, boolean exclusive, Clock clock) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new EnvironmentException(
          "cannot create the directory of " + file + ": " + e.getMessage(),
          "check the permissions of the data directory");
    }
    FileChannel lockChannel = exclusive ? lock(file) : null;
    try {
      SQLiteConfig config = new SQLiteConfig();
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
      config.enforceForeignKeys(true);
      config.setBusyTimeout(10_000);
      Connection connection = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
      SqliteStore store = new SqliteStore(file, connection, lockChannel, clock);
      try {
        store.migrate();
      } catch (RuntimeException e) {
        store.close();
        throw e;
      }
      return store;
    } catch (SQLException e) {
      closeQuietly(lockChannel);
      throw new EnvironmentException(
          "cannot open the store " + file + ": " + e.getMessage(),
          "check that it is a Corral database and that its directory is writable",
          e);
    }
  }

  private static FileChannel lock(Path file) {
    Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
    FileChannel channel;
    try {
      channel =
          FileChannel.open(
              lockFile,
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new EnvironmentException("cannot open " + lockFile + ": " + e.getMessage(), null);
    }
    try {
      FileLock held = channel.tryLock();
      if (held == null) {
        String owner = readOwner(lockFile);
        closeQuietly(channel);
        throw new EnvironmentException(
            "another Corral server" + owner + " is using " + file.getParent(),
            "stop that server, or give this one its own data directory with --data DIR");
      }
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)),
          0);
      channel.force(true);
      return channel;
    } catch (OverlappingFileLockException e) {
      closeQuietly(channel);
      throw new EnvironmentException(
          "this process already has the store " + file + " open",
          "open it once and share the instance");
    } catch (IOException e) {
      closeQuietly(channel);
      throw new EnvironmentException("cannot lock " + lockFile + ": " + e.getMessage(), null);
    }
  }

  private static String readOwner(Path lockFile) {
    try {
      String pid = Files.readString(lockFile).strip();
      return pid.matches("[0-9]+") ? " (pid " + pid + ")" : "";
    } catch (IOException e) {
      return "";
    }
  }

  private void migrate() throws SQLException {
    int version;
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      version = rs.next() ? rs.getInt(1) : 0;
    }
    if (version > SCHEMA_VERSION) {
      throw new EnvironmentException(
          file
              + " has schema version "
              + version
              + ", newer than this Corral knows ("
              + SCHEMA_VERSION
              + ")",
          "run the Corral version that wrote it, or a newer one");
    }
    for (int next = version + 1; next <= SCHEMA_VERSION; next++) {
      String sql = migration(next);
      int target = next;
      inTransaction(
          () -> {
            try (Statement s = connection.createStatement()) {
              for (String statement : statements(sql)) {
                s.execute(statement);
              }
              s.execute("PRAGMA user_version = " + target);
            }
            return Boolean.TRUE;
          });
    }
  }

  private static String migration(int version) {
    String name = "migrations/" + version + ".sql";
    try (InputStream in = SqliteStore.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing store migration " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Splits a migration into statements; migrations keep {@code ;} out of strings and comments. */
  private static List<String> statements(String sql) {
    String withoutComments =
        sql.lines().map(line -> line.replaceFirst("--.*$", "")).collect(Collectors.joining("\n"));
    List<String> statements = new ArrayList<>();
    for (String statement :
        java.util.regex.Pattern.compile(";").splitAsStream(withoutComments).toList()) {
      if (!statement.isBlank()) {
        statements.add(statement.strip());
      }
    }
    return statements;
  }

  Path path() {
    return file;
  }

  int schemaVersion() {
    return query("PRAGMA user_version", List.of(), rs -> rs.getInt(1)).getFirst();
  }

  @Override
  public void insert(TaskRecord task) {
    write(
        () ->
            inTransaction(
                () -> {
                  try (PreparedStatement ps =
                      connection.prepareStatement(
                          "INSERT INTO task (id, spec, state, created_ms, updated_ms, sandbox, backend,"
                              + " exit_code, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, task.id().value());
                    ps.setString(2, SpecJson.write(task.spec()));
                    ps.setString(3, task.state().wireName());
                    ps.setLong(4, task.created().toEpochMilli());
                    ps.setLong(5, task.updated().toEpochMilli());
                    setNullable(ps, 6, task.sandbox().map(SandboxId::value).orElse(null));
                    setNullable(ps, 7, task.backend().orElse(null));
                    if (task.exitCode().isPresent()) {
                      ps.setInt(8, task.exitCode().get());
                    } else {
                      ps.setNull(8, Types.INTEGER);
                    }
                    ps.setString(9, task.reason());
                    ps.executeUpdate();
                  }
                  recordTransition(task.id(), null, task.state(), task.created(), task.reason());
                  return Boolean.TRUE;
                }),
        "accept task " + task.id());
  }

  @Override
  public Optional<TaskRecord> task(TaskId id) {
    return query("SELECT * FROM task WHERE id = ?", List.of(id.value()), SqliteStore::taskRow)
        .stream()
        .findFirst();
  }

  @Override
  public List<TaskRecord> tasks(Set<TaskState> states, int limit) {
    if (states.isEmpty()) {
      return query(
          "SELECT * FROM task ORDER BY n DESC LIMIT ?", List.of(limit), SqliteStore::taskRow);
    }
    List<Object> args = new ArrayList<>();
    states.forEach(state -> args.add(state.wireName()));
    args.add(limit);
    String marks = String.join(", ", java.util.Collections.nCopies(states.size(), "?"));
    return query(
        "SELECT * FROM task WHERE state IN (" + marks + ") ORDER BY n DESC LIMIT ?",
        args,
        SqliteStore::taskRow);
  }

  @Override
  public int count(TaskState state) {
    return query(
            "SELECT COUNT(*) FROM task WHERE state = ?",
            List.of(state.wireName()),
            rs -> rs.getInt(1))
        .getFirst();
  }

  @Override
  public Optional<TaskRecord> transition(TaskId id, TaskState to, String reason) {
    return write(
        () ->
            inTransaction(
                () -> {
                  Optional<TaskRecord> current = task(id);
                  if (current.isEmpty() || !current.get().state().canMoveTo(to)) {
                    return Optional.<TaskRecord>empty();
                  }
                  Instant now = clock.instant();
                  try (PreparedStatement ps =
                      connection.prepareStatement(
                          "UPDATE task SET state = ?, updated_ms = ?, reason = ? WHERE id = ?")) {
                    ps.setString(1, to.wireName());
                    ps.setLong(2, now.toEpochMilli());
                    ps.setString(3, reason);
                    ps.setString(4, id.value());
                    ps.executeUpdate();
                  }
                  recordTransition(id, current.get().state(), to, now, reason);
                  return task(id);
                }),
        "record that task " + id + " is " + to.wireName());
  }

  @Override
  public void attachSandbox(TaskId id, SandboxId sandbox, String backend) {
    update(
        "UPDATE task SET sandbox = ?, backend = ?, updated_ms = ? WHERE id = ?",
        List.of(sandbox.value(), backend, clock.millis(), id.value()),
        "record the sandbox of task " + id);
  }

  @Override
  public void recordExit(TaskId id, int exitCode) {
    update(
        "UPDATE task SET exit_code = ?, updated_ms = ? WHERE id = ?",
        List.of(exitCode, clock.millis(), id.value()),
        "record the exit code of task " + id);
  }

  @Override
  public List<TaskTransition> history(TaskId id) {
    return query(
        "SELECT from_state, to_state, at_ms, reason FROM task_transition WHERE task = ? ORDER BY n",
        List.of(id.value()),
        rs -> {
          String from = rs.getString("from_state");
          return new TaskTransition(
              from == null ? Optional.empty() : Optional.of(TaskState.fromWireName(from)),
              TaskState.fromWireName(rs.getString("to_state")),
              Instant.ofEpochMilli(rs.getLong("at_ms")),
              rs.getString("reason"));
        });
  }

  @Override
  public void addToken(ApiToken token) {
    List<@Nullable Object> args = new ArrayList<>();
    args.add(token.id());
    args.add(token.name());
    args.add(token.sha256());
    args.add(token.created().toEpochMilli());
    args.add(token.revoked().map(Instant::toEpochMilli).orElse(null));
    update(
        "INSERT INTO api_token (id, name, sha256, created_ms, revoked_ms) VALUES (?, ?, ?, ?, ?)",
        args,
        "record API token " + token.id());
  }

  @Override
  public List<ApiToken> tokens() {
    return query(
        "SELECT id, name, sha256, created_ms, revoked_ms FROM api_token ORDER BY n",
        List.of(),
        rs -> {
          long revoked = rs.getLong("revoked_ms");
          Optional<Instant> revokedAt =
              rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(revoked));
          return new ApiToken(
              rs.getString("id"),
              rs.getString("name"),
              rs.getString("sha256"),
              Instant.ofEpochMilli(rs.getLong("created_ms")),
              revokedAt);
        });
  }

  @Override
  public boolean revokeToken(String id) {
    return write(
        () -> {
          try (PreparedStatement ps =
              connection.prepareStatement(
                  "UPDATE api_token SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL")) {
            ps.setLong(1, clock.millis());
            ps.setString(2, id);
            return ps.executeUpdate() == 1;
          }
        },
        "revoke API token " + id);
  }

  @Override
  public ApprovalRecord insertApproval(ApprovalRecord approval) {
    update(
        ApprovalRows.INSERT, ApprovalRows.insertArgs(approval), "record approval " + approval.id());
    return approval(approval.id()).orElseThrow();
  }

  @Override
  public Optional<ApprovalRecord> approval(String id) {
    return query("SELECT * FROM approval WHERE id = ?", List.of(id), ApprovalRows::row).stream()
        .findFirst();
  }

  @Override
  public List<ApprovalRecord> approvals(Set<ApprovalState> states, int limit) {
    if (states.isEmpty()) {
      return query(
          "SELECT * FROM approval ORDER BY n DESC LIMIT ?", List.of(limit), ApprovalRows::row);
    }
    List<Object> args = new ArrayList<>();
    states.forEach(state -> args.add(state.wireName()));
    args.add(limit);
    String marks = String.join(", ", java.util.Collections.nCopies(states.size(), "?"));
    return query(
        "SELECT * FROM approval WHERE state IN (" + marks + ") ORDER BY n DESC LIMIT ?",
        args,
        ApprovalRows::row);
  }

  @Override
  public List<ApprovalRecord> approvalsChangedAfter(long seq, int limit) {
    return query(
        "SELECT * FROM approval WHERE seq > ? ORDER BY seq LIMIT ?",
        List.of(seq, limit),
        ApprovalRows::row);
  }

  @Override
  public Optional<ApprovalRecord> closeApproval(
      String id, ApprovalState to, Optional<ApprovalAnswer> answer, String by, String reason) {
    if (to == ApprovalState.PENDING) {
      throw new IllegalArgumentException("an approval cannot be reopened");
    }
    boolean closed =
        write(
            () -> {
              try (PreparedStatement ps = connection.prepareStatement(ApprovalRows.CLOSE)) {
                bind(ps, ApprovalRows.closeArgs(id, to, answer, by, clock.instant(), reason));
                return ps.executeUpdate() == 1;
              }
            },
            "close approval " + id);
    return closed ? approval(id) : Optional.empty();
  }

  /** Runs a pragma on the store's connection; for tests (e.g. {@code max_page_count}). */
  void pragma(String pragma) {
    write(
        () -> {
          try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA " + pragma);
          }
          return Boolean.TRUE;
        },
        "set PRAGMA " + pragma);
  }

  @Override
  public void close() {
    lock.lock();
    try {
      connection.close();
    } catch (SQLException e) {
      // Nothing is pending: every write committed before its call returned.
    } finally {
      lock.unlock();
      closeQuietly(lockChannel);
    }
  }

  private void recordTransition(
      TaskId id, @Nullable TaskState from, TaskState to, Instant at, String reason)
      throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "INSERT INTO task_transition (task, from_state, to_state, at_ms, reason)"
                + " VALUES (?, ?, ?, ?, ?)")) {
      ps.setString(1, id.value());
      setNullable(ps, 2, from == null ? null : from.wireName());
      ps.setString(3, to.wireName());
      ps.setLong(4, at.toEpochMilli());
      ps.setString(5, reason);
      ps.executeUpdate();
    }
  }

  private static TaskRecord taskRow(ResultSet rs) throws SQLException {
    int exit = rs.getInt("exit_code");
    Optional<Integer> exitCode = rs.wasNull() ? Optional.empty() : Optional.of(exit);
    return new TaskRecord(
        TaskId.of(rs.getString("id")),
        SpecJson.read(rs.getString("spec")),
        TaskState.fromWireName(rs.getString("state")),
        Instant.ofEpochMilli(rs.getLong("created_ms")),
        Instant.ofEpochMilli(rs.getLong("updated_ms")),
        Optional.ofNullable(rs.getString("sandbox")).map(SandboxId::of),
        Optional.ofNullable(rs.getString("backend")),
        exitCode,
        rs.getString("reason"));
  }

  private void update(String sql, List<? extends @Nullable Object> args, String what) {
    write(
        () -> {
          try (PreparedStatement ps = connection.prepareStatement(sql)) {
            bind(ps, args);
            ps.executeUpdate();
          }
          return Boolean.TRUE;
        },
        what);
  }

  private <T> List<T> query(String sql, List<Object> args, Row<T> row) {
    lock.lock();
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      bind(ps, args);
      List<T> result = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          result.add(row.map(rs));
        }
      }
      return result;
    } catch (SQLException e) {
      throw new EnvironmentException(
          "cannot read the store " + file + ": " + e.getMessage(), null, e);
    } finally {
      lock.unlock();
    }
  }

  private <T> T write(Work<T> work, String what) {
    lock.lock();
    try {
      return work.run();
    } catch (SQLException e) {
      if (e instanceof SQLiteException sqlite
          && (sqlite.getResultCode().code & 0xff) == SQLITE_FULL) {
        throw new EnvironmentException(
            "cannot " + what + ": the disk holding " + file + " is full; nothing was changed",
            "free some space; the store keeps everything it accepted before",
            e);
      }
      throw new EnvironmentException(
          "cannot " + what + " in " + file + ": " + e.getMessage(), null, e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws.
   * SQLite may already have rolled back by itself (e.g. on SQLITE_FULL); the cleanup then fails
   * too, and must not hide the original error.
   */
  private <T> T inTransaction(Work<T> work) throws SQLException {
    connection.setAutoCommit(false);
    T result;
    try {
      result = work.run();
    } catch (SQLException | RuntimeException e) {
      try {
        connection.rollback();
      } catch (SQLException rollback) {
        e.addSuppressed(rollback);
      }
      try {
        connection.setAutoCommit(true);
      } catch (SQLException reset) {
        e.addSuppressed(reset);
      }
      throw e;
    }
    connection.commit();
    connection.setAutoCommit(true);
    return result;
  }

  private static void bind(PreparedStatement ps, List<? extends @Nullable Object> args)
      throws SQLException {
    for (int i = 0; i < args.size(); i++) {
      ps.setObject(i + 1, args.get(i));
    }
  }

  private static void setNullable(PreparedStatement ps, int index, @Nullable String value)
      throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.VARCHAR);
    } else {
      ps.setString(index, value);
    }
  }

  private static void closeQuietly(@Nullable FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // The lock goes with the process anyway.
      }
    }
  }

  @FunctionalInterface
  private interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  @FunctionalInterface
  private interface Work<T> {
    T run() throws SQLException;
  }
}
