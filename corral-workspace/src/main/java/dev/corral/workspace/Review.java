package dev.corral.workspace;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The review airlock's checks: runs every check over a list of changes and reports the findings.
 * Content is streamed through the caps of {@link ReviewSettings}; what was not read is named in the
 * report's notes. The checks and their severities are listed in {@code docs/review.md}.
 *
 * <p>Thread-safe (no shared state); one call reads each content source at most twice (the checks,
 * and the optional LLM review). Failures to read one file become findings, not exceptions.
 */
public final class Review {
  private Review() {}

  /**
   * Reviews {@code changes}.
   *
   * @throws dev.corral.core.ConfigException when an LLM reviewer is configured but its API key
   *     cannot be read
   */
  public static ReviewReport run(List<Change> changes, ReviewSettings settings) {
    return run(changes, settings, System.getenv());
  }

  static ReviewReport run(List<Change> changes, ReviewSettings settings, Map<String, String> env) {
    Findings out = new Findings(settings.maxFindingsPerFile());
    ContentCheck content = new ContentCheck(settings, out);
    for (Change change : changes) {
      PathCheck.inspect(change, out);
      ModeCheck.inspect(change, out);
      content.inspect(change);
    }
    embeddedRepositories(changes, out);
    settings
        .llm()
        .ifPresentOrElse(
            llm -> new LlmReview(llm, llm.resolveKey(env)).review(changes, out),
            () -> out.note("LLM review skipped: no [review.llm] endpoint configured"));
    return new ReviewReport(out.findings(), out.notes(), changes.size(), content.bytesRead());
  }

  /**
   * A directory that gains both {@code HEAD} and {@code config} is a bare repository: git uses it
   * (and runs its {@code core.fsmonitor}, hooks…) as soon as someone works inside it.
   */
  private static void embeddedRepositories(List<Change> changes, Findings out) {
    Set<String> added = new HashSet<>();
    for (Change change : changes) {
      if (change.kind() != Change.Kind.DELETED) {
        added.add(
            String.join(
                "/", GitPaths.components(change.path()).stream().map(GitPaths::fold).toList()));
      }
    }
    for (Change change : changes) {
      List<String> parts = GitPaths.components(change.path());
      if (change.kind() == Change.Kind.DELETED || !GitPaths.fold(parts.getLast()).equals("head")) {
        continue;
      }
      String dir =
          String.join(
              "/", parts.subList(0, parts.size() - 1).stream().map(GitPaths::fold).toList());
      String config = dir.isEmpty() ? "config" : dir + "/config";
      if (added.contains(config)) {
        out.add(
            Severity.BLOCK,
            "git-dir",
            change.path(),
            0,
            "embedded bare git repository in '"
                + (dir.isEmpty() ? "." : dir)
                + "': git runs its config and hooks when you work inside it",
            "remove the repository; never merge a git directory");
      }
    }
  }
}
