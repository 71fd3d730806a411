package dev.corral.bench;

import dev.corral.core.CorralDirs;
import dev.corral.core.HostPath;
import dev.corral.core.SandboxId;
import dev.corral.workspace.Workspaces;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Time to prepare a clone workspace ({@link Workspaces#create}: {@code git clone --shared
 * --no-checkout}, checkout of the branch, the host-owned vault, pinned refs, metadata) for a
 * repository of 50,000 files and about 1 GiB of history, against {@code git clone --local} and
 * {@code git worktree add} of the same repository. Rows are interleaved; the outputs are removed
 * between iterations, outside the measurement.
 */
public final class WorkspaceBench {
  static final String BEGIN = "<!-- bench:workspace:begin (written by bench/run-workspace) -->";
  static final String END = "<!-- bench:workspace:end -->";
  private static final int FILES = 50_000;
  private static final int HISTORY_COMMITS = 100;
  private static final int BIG_FILES = 100;
  private static final int BIG_SIZE = 100 * 1024;

  private WorkspaceBench() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(".");
    Path repo = Path.of("/tmp/corral-bench-repo");
    int iterations = 5;
    boolean write = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--root" -> root = Path.of(args[++i]);
        case "--repo" -> repo = Path.of(args[++i]);
        case "--iterations" -> iterations = Integer.parseInt(args[++i]);
        case "--no-write" -> write = false;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (!Files.isDirectory(repo.resolve(".git"))) {
      generate(repo);
    }
    Path work = Files.createTempDirectory("corral-bench-ws-");
    List<Long> clone = new ArrayList<>();
    List<Long> worktree = new ArrayList<>();
    List<Long> corral = new ArrayList<>();
    Workspaces workspaces =
        new Workspaces(CorralDirs.from(Map.of(), HostPath.of(work.resolve("home"))));
    for (int i = -1; i < iterations; i++) { // iteration -1 warms caches and is not counted
      String n = "b" + (i + 1);
      Path cloneDir = work.resolve("clone-" + n);
      Path tree = work.resolve("tree-" + n);
      // Rotate the order, so no row always runs on the page cache another row just warmed.
      for (int r = 0; r < 3; r++) {
        switch ((r + i + 1) % 3) {
          case 0 -> {
            long t0 = System.nanoTime();
            run(work, "git", "clone", "-q", "--local", repo.toString(), cloneDir.toString());
            record(clone, i, System.nanoTime() - t0);
          }
          case 1 -> {
            long t0 = System.nanoTime();
            run(repo, "git", "worktree", "add", "-q", "-b", "bench-" + n, tree.toString(), "HEAD");
            record(worktree, i, System.nanoTime() - t0);
          }
          default -> {
            long t0 = System.nanoTime();
            workspaces.create(HostPath.of(repo), SandboxId.of(n), false, "bench", w -> {});
            record(corral, i, System.nanoTime() - t0);
          }
        }
        run(repo, "sync"); // write back outside the next measurement
      }
      run(repo, "rm", "-rf", cloneDir.toString());
      run(repo, "git", "worktree", "remove", "--force", tree.toString());
      run(repo, "git", "branch", "-q", "-D", "bench-" + n);
      // The workspace counts as running (this process owns it); drop it by hand.
      run(repo, "rm", "-rf", work.resolve("home/.local/share/corral/workspaces/" + n).toString());
      run(repo, "git", "update-ref", "-d", "refs/corral/" + n + "/base");
      run(repo, "sync");
    }
    run(repo, "rm", "-rf", work.toString());
    String section = report(repo, clone, worktree, corral, iterations);
    System.out.print(section);
    if (write) {
      BenchReport.write(
          root.resolve("docs/benchmarks.md"), section, BEGIN, END, "## Clone workspaces\n\n");
    }
  }

  private static void record(List<Long> times, int i, long nanos) {
    if (i >= 0) {
      times.add(nanos);
    }
  }

  private static String report(
      Path repo, List<Long> clone, List<Long> worktree, List<Long> corral, int iterations)
      throws Exception {
    String files = run(repo, "sh", "-c", "git ls-files | wc -l").strip();
    String pack = run(repo, "sh", "-c", "du -sh .git/objects | cut -f1").strip();
    String commits = run(repo, "git", "rev-list", "--count", "HEAD").strip();
    long base = new Samples(clone).median();
    long tree = new Samples(worktree).median();
    StringBuilder s = new StringBuilder();
    s.append("Machine: ").append(Machine.describe()).append("  \n");
    s.append("Repository: ")
        .append(files)
        .append(" files at HEAD, ")
        .append(commits)
        .append(" commits, ")
        .append(pack)
        .append(" of objects (generated once with `git fast-import`); ")
        .append(run(repo, "git", "--version").strip())
        .append("; median of ")
        .append(iterations)
        .append(" iterations after one warm-up, rows in rotating order, `sync` between rows.\n\n");
    s.append("| what | median | p90 | × git clone --local | × git worktree add |\n");
    s.append("|---|---:|---:|---:|---:|\n");
    row(s, "`git clone --local` (hard-linked objects, checkout)", clone, base, tree);
    row(s, "`git worktree add -b B DIR HEAD`", worktree, base, tree);
    row(
        s,
        "Corral clone workspace (`--shared` clone on `corral/NAME`, vault, metadata)",
        corral,
        base,
        tree);
    return s.toString();
  }

  private static void row(StringBuilder s, String what, List<Long> nanos, long base, long tree) {
    Samples samples = new Samples(nanos);
    s.append("| ")
        .append(what)
        .append(" | ")
        .append(Samples.millis(samples.median()))
        .append(" | ")
        .append(Samples.millis(samples.p90()))
        .append(" | ")
        .append(String.format(Locale.ROOT, "%.2f×", (double) samples.median() / base))
        .append(" | ")
        .append(String.format(Locale.ROOT, "%.2f×", (double) samples.median() / tree))
        .append(" |\n");
  }

  /**
   * A repository with {@value #FILES} small text files and {@value #HISTORY_COMMITS} commits that
   * each rewrite {@value #BIG_FILES} files of random bytes ({@value #BIG_SIZE} bytes each), about 1
   * GiB of incompressible history, written as one {@code git fast-import} stream.
   */
  static void generate(Path repo) throws Exception {
    System.err.println("bench/run-workspace: generating " + repo + " (once)...");
    Files.createDirectories(repo);
    run(repo, "git", "init", "-q", "-b", "main");
    Process p =
        new ProcessBuilder("git", "-C", repo.toString(), "fast-import", "--quiet")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.INHERIT)
            .start();
    Random random = new Random(42);
    try (OutputStream out = new BufferedOutputStream(p.getOutputStream(), 1 << 20)) {
      long when = 1_700_000_000L;
      commit(out, when++, "initial: " + FILES + " files");
      for (int f = 0; f < FILES; f++) {
        String content = "file " + f + "\n" + "line of text\n".repeat(10 + f % 50);
        inline(
            out, "src/d" + (f / 500) + "/f" + f + ".txt", content.getBytes(StandardCharsets.UTF_8));
      }
      byte[] big = new byte[BIG_SIZE];
      for (int c = 0; c < HISTORY_COMMITS; c++) {
        commit(out, when++, "rewrite data, round " + c);
        for (int b = 0; b < BIG_FILES; b++) {
          random.nextBytes(big);
          inline(out, "data/blob-" + b + ".bin", big);
        }
      }
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException("git fast-import failed");
    }
    run(repo, "git", "checkout", "-q", "-f", "main");
  }

  private static void commit(OutputStream out, long when, String message) throws IOException {
    byte[] msg = message.getBytes(StandardCharsets.UTF_8);
    String header =
        "commit refs/heads/main\ncommitter Bench <bench@localhost> "
            + when
            + " +0000\ndata "
            + msg.length
            + "\n";
    out.write(header.getBytes(StandardCharsets.UTF_8));
    out.write(msg);
    out.write('\n');
    // Later commits continue the branch: fast-import keeps its tip in memory.
  }

  private static void inline(OutputStream out, String path, byte[] content) throws IOException {
    out.write(
        ("M 100644 inline " + path + "\ndata " + content.length + "\n")
            .getBytes(StandardCharsets.UTF_8));
    out.write(content);
    out.write('\n');
  }

  private static String run(Path dir, String... command) throws Exception {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }
}
