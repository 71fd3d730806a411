package dev.corral.server;

import dev.corral.api.ReviewView;
import dev.corral.core.NotFoundException;
import dev.corral.core.TaskId;
import dev.corral.core.TaskSpec;
import dev.corral.core.UsageException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a finished task leaves: its diff, the artifacts its patterns matched (regular files only: a
 * symlink the agent planted is never followed out of the workspace) and the hosts the egress
 * gateway refused it.
 */
final class TaskResults {
  private final TaskFiles files;

  TaskResults(TaskFiles files) {
    this.files = files;
  }

  void collect(
      TaskId id,
      TaskSpec spec,
      Path workspace,
      TaskWorkspaces.Finished finished,
      List<String> deniedHosts,
      OutputStream log) {
    try {
      record(id, finished);
      Files.write(files.deniedHosts(id), deniedHosts);
      if (!spec.artifacts().isEmpty()) {
        copyArtifacts(id, spec.artifacts(), workspace, log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the results of task " + id, e);
    }
  }

  /** Keeps the diff and review of a task's saved work. */
  void record(TaskId id, TaskWorkspaces.Finished finished) throws IOException {
    Files.writeString(files.diff(id), finished.diff(), StandardCharsets.UTF_8);
    Files.write(files.review(id), Json.write(finished.review()));
  }

  private void copyArtifacts(TaskId id, List<String> patterns, Path workspace, OutputStream log)
      throws IOException {
    List<PathMatcher> matchers =
        patterns.stream().map(p -> FileSystems.getDefault().getPathMatcher("glob:" + p)).toList();
    Path target = files.artifacts(id);
    try (Stream<Path> walk = Files.walk(workspace)) {
      for (Path file : walk.toList()) {
        Path relative = workspace.relativize(file);
        if (relative.startsWith(".git")
            || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
            || matchers.stream().noneMatch(m -> m.matches(relative))) {
          continue;
        }
        Path copy = target.resolve(relative.toString());
        Files.createDirectories(copy.getParent());
        Files.copy(file, copy, LinkOption.NOFOLLOW_LINKS);
      }
    }
    log.flush();
  }

  String diff(TaskId id) {
    try {
      return Files.readString(files.diff(id), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The review of a finished task's changes; empty before the task's work was saved. */
  java.util.Optional<ReviewView> review(TaskId id) {
    try {
      return java.util.Optional.of(
          Json.read(Files.readAllBytes(files.review(id)), ReviewView.class));
    } catch (NoSuchFileException e) {
      return java.util.Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<String> deniedHosts(TaskId id) {
    try {
      return Files.readAllLines(files.deniedHosts(id));
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<String> artifacts(TaskId id) {
    Path root = files.artifacts(id);
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .map(p -> root.relativize(p).toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The artifact at {@code relative}; a path that leaves the artifacts directory is refused. */
  Path artifact(TaskId id, String relative) {
    Path root = files.artifacts(id);
    Path file = root.resolve(relative).normalize();
    if (relative.isBlank() || !file.startsWith(root) || Path.of(relative).isAbsolute()) {
      throw new UsageException(
          "invalid artifact path '" + relative + "'",
          "use a path from GET /api/v1/tasks/" + id + "/artifacts");
    }
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new NotFoundException("task " + id + " has no artifact '" + relative + "'", null);
    }
    return file;
  }
}
