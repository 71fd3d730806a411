package dev.corral.bench;

import dev.corral.api.TaskRequest;
import dev.corral.api.TaskView;
import dev.corral.api.Transition;
import dev.corral.client.CorralClient;
import dev.corral.core.CorralDirs;
import dev.corral.core.EventSink;
import dev.corral.core.HostPath;
import dev.corral.engine.Engine;
import dev.corral.server.CloneTaskWorkspaces;
import dev.corral.server.CorralServer;
import dev.corral.server.ServerConfig;
import dev.corral.server.ShellAgent;
import dev.corral.store.SqliteStore;
import dev.corral.workspace.ReviewSettings;
import dev.corral.workspace.Workspaces;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The server benchmark: {@code --tasks N} short shell tasks (clone, edit a file, diff) submitted at
 * once at concurrency 1, 8 and 32 on the native backend, each on a fresh server and data directory.
 * Reports tasks per minute, submit → agent running from the stored transitions (ms precision), and
 * the API latency of list and get. Writes its table to {@code docs/benchmarks.md}.
 */
public final class TaskBench {
  static final String BEGIN = "<!-- bench:server:begin (written by bench/run-server) -->";
  static final String END = "<!-- bench:server:end -->";
  private static final Set<String> ENDED = Set.of("succeeded", "failed", "cancelled", "timed_out");

  private TaskBench() {}

  record Row(int concurrency, int tasks, double perMinute, List<Long> startMillis, int failed) {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(".");
    int tasks = 100;
    boolean write = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--root" -> root = Path.of(args[++i]);
        case "--tasks" -> tasks = Integer.parseInt(args[++i]);
        case "--no-write" -> write = false;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path temp = Files.createTempDirectory("corral-task-bench");
    Path repo = repo(temp.resolve("repo"));
    List<Row> rows = new ArrayList<>();
    long[][] idle = new long[0][];
    long[] list = new long[0];
    long[] get = new long[0];
    for (int concurrency : new int[] {1, 8, 32}) {
      Path data = temp.resolve("data-" + concurrency);
      try (SqliteStore store = SqliteStore.open(data.resolve("store.db"), true);
          CorralServer server =
              CorralServer.start(
                  ServerConfig.loopback(data, 0, concurrency),
                  store,
                  engine(temp),
                  new CloneTaskWorkspaces(
                      new Workspaces(dirs(temp)),
                      engine(temp),
                      data.resolve("mirrors"),
                      ReviewSettings.DEFAULT),
                  new ShellAgent())) {
        CorralClient client =
            CorralClient.of(
                URI.create("http://127.0.0.1:" + server.port()),
                Files.readString(CorralServer.tokenFile(data)).strip());
        if (concurrency == 1) {
          idle = idle(client, repo, 50);
        }
        rows.add(run(client, repo, concurrency, tasks));
        System.err.println("bench/run-server: concurrency " + concurrency + " done");
        if (concurrency == 8) {
          String id = client.tasks(Optional.empty(), 1).getFirst().id();
          list = latency(() -> client.tasks(Optional.empty(), 100));
          get = latency(() -> client.task(id));
        }
      }
    }
    String table = table(rows, idle, list, get, tasks);
    System.out.print(table);
    if (write) {
      BenchReport.write(root.resolve("docs/benchmarks.md"), table, BEGIN, END, "## Server\n\n");
    }
  }

  private static Row run(CorralClient client, Path repo, int concurrency, int tasks)
      throws InterruptedException {
    long start = System.nanoTime();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      ids.add(
          client
              .submit(TaskRequest.of(repo.toString(), "shell", "echo " + i + " >> README; echo ok"))
              .id());
    }
    List<TaskView> done = new ArrayList<>();
    for (String id : ids) {
      TaskView task = client.task(id);
      while (!ENDED.contains(task.state())) {
        Thread.sleep(5);
        task = client.task(id);
      }
      done.add(task);
    }
    double minutes = (System.nanoTime() - start) / 60e9;
    List<Long> startMillis =
        done.stream()
            .mapToLong(
                t ->
                    t.history().stream()
                        .filter(tr -> tr.to().equals("running"))
                        .map(Transition::at)
                        .map(Instant::parse)
                        .findFirst()
                        .map(at -> Duration.between(Instant.parse(t.created()), at).toMillis())
                        .orElse(-1L))
            .filter(ms -> ms >= 0)
            .sorted()
            .boxed()
            .toList();
    int failed = (int) done.stream().filter(t -> !t.state().equals("succeeded")).count();
    return new Row(concurrency, tasks, tasks / minutes, startMillis, failed);
  }

  /**
   * Submit → running on an idle server: one task at a time, each submitted after the previous
   * ended. Returns sorted {total, queued → preparing, preparing (clone) → running} in ms.
   */
  private static long[][] idle(CorralClient client, Path repo, int count)
      throws InterruptedException {
    long[][] samples = new long[3][count];
    for (int i = 0; i < count; i++) {
      String id = client.submit(TaskRequest.of(repo.toString(), "shell", "echo ok")).id();
      TaskView task = client.task(id);
      while (!ENDED.contains(task.state())) {
        Thread.sleep(2);
        task = client.task(id);
      }
      Instant created = Instant.parse(task.created());
      Instant preparing = at(task, "preparing");
      Instant running = at(task, "running");
      samples[0][i] = Duration.between(created, running).toMillis();
      samples[1][i] = Duration.between(created, preparing).toMillis();
      samples[2][i] = Duration.between(preparing, running).toMillis();
    }
    for (long[] s : samples) {
      Arrays.sort(s);
    }
    return samples;
  }

  private static Instant at(TaskView task, String state) {
    return task.history().stream()
        .filter(t -> t.to().equals(state))
        .map(t -> Instant.parse(t.at()))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(task.id() + " never was " + state));
  }

  private static long[] latency(Runnable call) {
    for (int i = 0; i < 50; i++) {
      call.run();
    }
    long[] nanos = new long[500];
    for (int i = 0; i < nanos.length; i++) {
      long t = System.nanoTime();
      call.run();
      nanos[i] = System.nanoTime() - t;
    }
    Arrays.sort(nanos);
    return nanos;
  }

  private static long pct(List<Long> sorted, double p) {
    return pct(sorted.stream().mapToLong(Long::longValue).toArray(), p);
  }

  private static long pct(long[] sorted, double p) {
    return sorted.length == 0
        ? -1
        : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  static String table(List<Row> rows, long[][] idle, long[] list, long[] get, int tasks) {
    StringBuilder out = new StringBuilder();
    if (idle.length == 3) {
      out.append(
          String.format(
              Locale.ROOT,
              "Idle server, one task at a time (%d tasks): submit → agent running p50 %d ms, p99 %d"
                  + " ms (%.2f× the 50 ms goal; E2B ≈ 490 ms, Daytona ≈ 190 ms by their own"
                  + " benchmark). Of that, accepted → dispatched p50 %d ms, and the clone"
                  + " workspace (preparing → running: `git clone --shared --no-checkout`, checkout,"
                  + " vault, pinning ref, sandbox start) p50"
                  + " %d ms.%n%n",
              idle[0].length,
              pct(idle[0], 0.5),
              pct(idle[0], 0.99),
              pct(idle[0], 0.5) / 50.0,
              pct(idle[1], 0.5),
              pct(idle[2], 0.5)));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "Throughput: %d short shell tasks (clone workspace, edit, save in a sandbox, diff and"
                + " review from the vault) submitted at once on the native"
                + " backend, one fresh server per row; submit → running here includes the wait in"
                + " the FIFO queue.%n%n",
            tasks));
    out.append(
        "| concurrency | tasks/minute | submit → running p50 | p99 | p50 vs goal (50 ms) | failed |\n");
    out.append("|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      long p50 = pct(r.startMillis(), 0.5);
      out.append(
          String.format(
              Locale.ROOT,
              "| %d | %.0f | %d ms | %d ms | %.2f× | %d |%n",
              r.concurrency(),
              r.perMinute(),
              p50,
              pct(r.startMillis(), 0.99),
              p50 / 50.0,
              r.failed()));
    }
    out.append(
        String.format(
            Locale.ROOT,
            "%nAPI latency on loopback (500 calls after 50 warm-up, one client, 100 tasks stored):"
                + " list 100 tasks p50 %.2f ms, p99 %.2f ms; get one task p50 %.2f ms, p99 %.2f ms.%n",
            pct(list, 0.5) / 1e6,
            pct(list, 0.99) / 1e6,
            pct(get, 0.5) / 1e6,
            pct(get, 0.99) / 1e6));
    return out.toString();
  }

  private static CorralDirs dirs(Path temp) {
    return new CorralDirs(
        HostPath.of(temp.resolve("config")),
        HostPath.of(temp.resolve("xdg-data")),
        HostPath.of(temp.resolve("state")),
        HostPath.of(temp.resolve("run")));
  }

  private static Engine engine(Path temp) {
    return Engine.load(dirs(temp), EventSink.NONE);
  }

  private static Path repo(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("README"), "hello\n", StandardCharsets.UTF_8);
    for (List<String> args :
        List.of(
            List.of("init", "--quiet", "--initial-branch=main"),
            List.of("add", "README"),
            List.of(
                "-c",
                "user.name=b",
                "-c",
                "user.email=b@localhost",
                "commit",
                "--quiet",
                "-m",
                "first"))) {
      List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
      command.addAll(args);
      if (new ProcessBuilder(command).inheritIO().start().waitFor() != 0) {
        throw new IOException("git " + args + " failed");
      }
    }
    return dir;
  }
}
