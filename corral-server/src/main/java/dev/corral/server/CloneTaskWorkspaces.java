package dev.corral.server;

import dev.corral.api.ApplyResult;
import dev.corral.api.FindingView;
import dev.corral.api.MergeResult;
import dev.corral.api.ReviewView;
import dev.corral.core.ConflictException;
import dev.corral.core.HostPath;
import dev.corral.core.Mount;
import dev.corral.core.SandboxId;
import dev.corral.core.TaskId;
import dev.corral.core.TaskSpec;
import dev.corral.core.UsageException;
import dev.corral.engine.Engine;
import dev.corral.workspace.Finding;
import dev.corral.workspace.Review;
import dev.corral.workspace.ReviewReport;
import dev.corral.workspace.ReviewSettings;
import dev.corral.workspace.SandboxRunner;
import dev.corral.workspace.Severity;
import dev.corral.workspace.Snapshot;
import dev.corral.workspace.Workspaces;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Task workspaces over {@code corral-workspace}: each task gets the clone workspace named after it
 * (so {@code corral ls}, {@code diff}, {@code review}, {@code merge} work on it too), created
 * before any sandbox runs; when the agent ends, its work is committed and bundled inside a sandbox,
 * and the host reads only the host-owned vault. A git URL is first fetched into a host-owned mirror
 * ({@link TaskSources}). Thread-safe.
 */
public final class CloneTaskWorkspaces implements TaskWorkspaces {
  /** Diffs larger than this are cut, with a note at the end. */
  private static final long DIFF_CAP = 16L << 20;

  private final Workspaces workspaces;
  private final Engine engine;
  private final TaskSources sources;
  private final ReviewSettings review;

  /**
   * @param workspaces the clone workspaces (the user's, so the CLI sees task workspaces)
   * @param engine runs the sandboxed save step, on the task's backend
   * @param mirrors where mirrors of git URLs are kept (under the server's data directory)
   * @param review the review's limits and optional LLM reviewer
   */
  public CloneTaskWorkspaces(
      Workspaces workspaces, Engine engine, java.nio.file.Path mirrors, ReviewSettings review) {
    this.workspaces = workspaces;
    this.engine = engine;
    this.sources = new TaskSources(mirrors);
    this.review = review;
  }

  @Override
  public void check(String repo, Optional<String> ref) {
    TaskSources.check(repo, ref);
  }

  @Override
  public Prepared prepare(TaskId task, TaskSpec spec, OutputStream log) {
    check(spec.repo(), spec.ref());
    HostPath source = sources.local(spec.repo(), log);
    Workspaces.Prepared clone =
        workspaces.create(
            source,
            SandboxId.of(task.value()),
            spec.ref(),
            false,
            spec.agent(),
            warning -> line(log, "corral: warning: " + warning));
    SandboxRunner runner = s -> engine.run(s, spec.backend());
    return new Prepared() {
      @Override
      public HostPath path() {
        return clone.directory();
      }

      @Override
      public List<Mount> mounts() {
        return clone.mounts();
      }

      @Override
      public Finished finish() throws InterruptedException {
        workspaces.stop(clone.name(), runner);
        return finished(clone.name());
      }
    };
  }

  private Finished finished(String name) {
    try (Snapshot snapshot = workspaces.snapshot(name)) {
      ByteArrayOutputStream diff = new ByteArrayOutputStream();
      if (snapshot.writeDiff(diff, DIFF_CAP)) {
        diff.writeBytes(
            ("\n[corral: diff cut after " + (DIFF_CAP >> 20) + " MiB]\n")
                .getBytes(StandardCharsets.UTF_8));
      }
      return new Finished(
          diff.toString(StandardCharsets.UTF_8), view(Review.run(snapshot.changes(), review)));
    }
  }

  @Override
  public Optional<Finished> saved(TaskId task) {
    try {
      return workspaces.running(task.value())
          ? Optional.empty()
          : Optional.of(finished(task.value()));
    } catch (UsageException e) {
      return Optional.empty(); // no workspace (removed, or the task never got one)
    }
  }

  static ReviewView view(ReviewReport report) {
    return new ReviewView(
        report.blocking(),
        report.files(),
        report.findings().stream()
            .map(
                f ->
                    new FindingView(
                        f.severity().label(), f.check(), f.path(), f.line(), f.message(), f.hint()))
            .toList(),
        report.notes());
  }

  @Override
  public void recover(Consumer<String> warnings) throws InterruptedException {
    workspaces.recover(s -> engine.run(s, Optional.empty()), warnings);
  }

  @Override
  public MergeResult merge(TaskId task, String repo, boolean squash, boolean acceptRisk) {
    String name = integrable(task, repo, "merge");
    try {
      // One review: this gate refuses with the API's message; Workspaces.merge records the
      // accepted findings in the merge commit and the workspace.
      Workspaces.Merged merged =
          workspaces.merge(
              name, squash, acceptRisk, review, report -> gate(task, "merge", acceptRisk, report));
      return new MergeResult(repo, branch(task), merged.commit(), merged.acceptedFindings());
    } catch (UsageException e) {
      throw new ConflictException(String.valueOf(e.getMessage()), e.hint().orElse(null));
    }
  }

  @Override
  public ApplyResult apply(TaskId task, String repo, boolean acceptRisk) {
    String name = integrable(task, repo, "apply");
    gate(task, "apply", acceptRisk);
    try {
      return new ApplyResult(repo, workspaces.apply(name));
    } catch (UsageException e) {
      throw new ConflictException(String.valueOf(e.getMessage()), e.hint().orElse(null));
    }
  }

  @Override
  public void discard(TaskId task) {
    try {
      workspaces.remove(task.value());
    } catch (UsageException e) {
      throw new ConflictException(String.valueOf(e.getMessage()), e.hint().orElse(null));
    }
  }

  private String integrable(TaskId task, String repo, String verb) {
    if (TaskSources.remote(repo)) {
      throw new ConflictException(
          "cannot "
              + verb
              + " task "
              + task
              + ": it came from "
              + repo
              + ", not a local repository",
          "take its changes with `corral task diff " + task + "` and apply them in a checkout");
    }
    return task.value();
  }

  /**
   * Reviews the task's saved work and refuses as {@link #gate(TaskId, String, boolean,
   * ReviewReport)}.
   */
  private void gate(TaskId task, String verb, boolean acceptRisk) {
    try (Snapshot snapshot = workspaces.snapshot(task.value())) {
      gate(task, verb, acceptRisk, Review.run(snapshot.changes(), review));
    }
  }

  /** A conflict listing the report's blocking findings, unless {@code acceptRisk}. */
  private static void gate(TaskId task, String verb, boolean acceptRisk, ReviewReport report) {
    List<String> blocking =
        report.findings().stream()
            .filter(f -> f.severity() == Severity.BLOCK)
            .map(CloneTaskWorkspaces::describe)
            .toList();
    if (!blocking.isEmpty() && !acceptRisk) {
      throw new ConflictException(
          "review found "
              + blocking.size()
              + " blocking finding(s) in task "
              + task
              + ": "
              + String.join("; ", blocking),
          "read them with GET /api/v1/tasks/"
              + task
              + "/review (`corral task review "
              + task
              + "`); "
              + verb
              + " anyway with acceptRisk (`--accept-risk`)");
    }
  }

  private static String describe(Finding f) {
    return f.check() + " " + f.path() + (f.line() > 0 ? ":" + f.line() : "") + ": " + f.message();
  }

  private static void line(OutputStream log, String text) {
    try {
      log.write((text + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // The log is best effort here; the task's own failure handling reports real errors.
    }
  }
}
