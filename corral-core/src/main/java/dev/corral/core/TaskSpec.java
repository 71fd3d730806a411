package dev.corral.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a task should do: run {@code agent} with {@code prompt} on a clone of {@code repo} at {@code
 * ref}, under the given backend, egress additions, limits and timeout, and collect files matching
 * {@code artifacts} afterwards.
 *
 * @param repo a local path or a git URL
 * @param ref a branch, tag or commit; empty for the repository's current HEAD
 * @param allow egress rules added to the policy for this task only
 * @param deny egress rules denied for this task only (deny wins)
 * @param limits resource limits; empty for the configured defaults
 * @param timeout wall-clock limit of the agent run; empty for none
 * @param artifacts glob patterns (relative to the workspace) of files to keep as results
 * @param egressAsk ask mode: a request no egress rule decides is held while a human answers a host
 *     approval, instead of being denied
 * @param terminal run the agent in a terminal (a PTY; stdout and stderr are one stream), watched
 *     for prompts that open approvals and typed into by a human who takes control; without it the
 *     agent gets pipes and a closed stdin, and nobody can answer it
 */
public record TaskSpec(
    String repo,
    Optional<String> ref,
    String agent,
    String prompt,
    Optional<String> backend,
    List<String> allow,
    List<String> deny,
    Optional<ResourceLimits> limits,
    Optional<Duration> timeout,
    List<String> artifacts,
    boolean egressAsk,
    boolean terminal) {

  public TaskSpec {
    if (repo.isBlank()) {
      throw new UsageException("a task needs a repository", "give a local path or a git URL");
    }
    if (agent.isBlank()) {
      throw new UsageException("a task needs an agent", "name an agent preset, e.g. shell");
    }
    timeout.ifPresent(
        t -> {
          if (t.isNegative() || t.isZero()) {
            throw new UsageException("task timeout must be positive, got " + t, null);
          }
        });
    allow = List.copyOf(allow);
    deny = List.copyOf(deny);
    artifacts = List.copyOf(artifacts);
  }

  /** A task in a terminal, without ask mode. */
  public TaskSpec(
      String repo,
      Optional<String> ref,
      String agent,
      String prompt,
      Optional<String> backend,
      List<String> allow,
      List<String> deny,
      Optional<ResourceLimits> limits,
      Optional<Duration> timeout,
      List<String> artifacts) {
    this(repo, ref, agent, prompt, backend, allow, deny, limits, timeout, artifacts, false, true);
  }
}
