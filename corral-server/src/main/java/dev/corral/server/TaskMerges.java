package dev.corral.server;

import dev.corral.api.MergeResult;
import dev.corral.core.ApprovalAnswer;
import dev.corral.core.ApprovalRequest;
import dev.corral.core.ConflictException;
import dev.corral.core.Store;
import dev.corral.core.TaskId;
import dev.corral.core.TaskRecord;
import dev.corral.core.TaskState;
import dev.corral.core.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The review airlock's three ways out for a finished task: merge (fetch its branch into the source
 * repository), apply (its diff, unstaged, to the source's working tree) or discard (delete its
 * clone; the log and the diff stay). Shared by {@code POST /tasks/{id}/merge} and merge approvals.
 */
final class TaskMerges implements MergeDecisions {
  private final Store store;
  private final TaskFiles files;
  private final TaskResults results;
  private final TaskWorkspaces workspaces;

  TaskMerges(Store store, TaskFiles files, TaskWorkspaces workspaces) {
    this.store = store;
    this.files = files;
    this.results = new TaskResults(files);
    this.workspaces = workspaces;
  }

  @Override
  public String decide(ApprovalRequest.Merge merge, ApprovalAnswer answer) {
    TaskId id = TaskId.of(merge.task());
    return switch (answer) {
      case ApprovalAnswer.AllowOnce a -> {
        MergeResult merged = merge(id);
        yield "merged: branch "
            + merged.branch()
            + " at "
            + merged.commit()
            + " in "
            + merged.repo();
      }
      case ApprovalAnswer.Apply a -> {
        TaskRecord task = mergeable(id);
        workspaces.apply(id, task.spec().repo(), files.diff(id));
        yield "applied the diff to the working tree of " + task.spec().repo() + " (unstaged)";
      }
      case ApprovalAnswer.Deny d -> {
        discard(mergeable(id));
        yield "discarded: the clone is deleted; the log and the diff are kept";
      }
      case ApprovalAnswer.AllowAlways a ->
          throw new UsageException(
              "a merge cannot be allowed always", "answer allow, apply or deny");
      case ApprovalAnswer.Text t ->
          throw new UsageException("a merge takes no text", "answer allow, apply or deny");
    };
  }

  /** Merges a succeeded task's branch into its source repository. */
  MergeResult merge(TaskId id) {
    TaskRecord task = mergeable(id);
    String commit = workspaces.deliver(id, task.spec().repo(), files.workspace(id));
    return new MergeResult(task.spec().repo(), workspaces.branch(id), commit);
  }

  private TaskRecord mergeable(TaskId id) {
    TaskRecord task = store.task(id).orElseThrow(() -> TaskRunner.missing(id));
    if (task.state() != TaskState.SUCCEEDED) {
      throw new ConflictException(
          "task " + id + " is " + task.state().wireName() + "; only succeeded tasks merge",
          "look at its log with `corral task logs " + id + "`");
    }
    if (results.diff(id).isEmpty()) {
      throw new ConflictException(
          "task " + id + " changed nothing; there is nothing to merge", null);
    }
    if (Files.exists(discarded(id))) {
      throw new ConflictException(
          "task " + id + " was discarded; its clone is gone",
          "its diff is still at GET /api/v1/tasks/" + id + "/diff");
    }
    return task;
  }

  private void discard(TaskRecord task) {
    try {
      Files.writeString(discarded(task.id()), "discarded\n");
      deleteTree(files.workspace(task.id()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path discarded(TaskId id) {
    return files.dir(id).resolve("discarded");
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
