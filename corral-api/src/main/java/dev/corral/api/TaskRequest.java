package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /api/v1/tasks}: run {@code agent} with {@code prompt} on a fresh clone of {@code
 * repo}.
 *
 * @param repo an absolute path to a git repository on the server's host, or a git URL
 * @param ref branch, tag or commit to start from; the repository's HEAD when absent
 * @param agent agent preset, e.g. {@code shell} (runs the prompt with {@code sh -c})
 * @param backend sandbox backend, e.g. {@code native}; the best available when absent
 * @param allow egress rules allowed for this task (e.g. {@code pypi.org}, {@code @npm})
 * @param deny egress rules denied for this task
 * @param timeoutSeconds wall-clock limit of the agent run
 * @param artifacts glob patterns of workspace files kept as results, e.g. {@code dist/**}
 * @param egressAsk ask mode: a request no egress rule decides is held while a human answers a host
 *     approval, instead of being denied
 * @param terminal run the agent in a terminal (the default): one output stream, prompts are watched
 *     and open approvals, a human can take control; {@code false} gives pipes and a closed stdin
 *     (plain logs, nobody can answer the agent)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskRequest(
    String repo,
    @Nullable String ref,
    String agent,
    String prompt,
    @Nullable String backend,
    @Nullable List<String> allow,
    @Nullable List<String> deny,
    @Nullable TaskLimits limits,
    @Nullable Long timeoutSeconds,
    @Nullable List<String> artifacts,
    @Nullable Boolean egressAsk,
    @Nullable Boolean terminal) {

  /** A request without ask mode, in the default terminal. */
  public TaskRequest(
      String repo,
      @Nullable String ref,
      String agent,
      String prompt,
      @Nullable String backend,
      @Nullable List<String> allow,
      @Nullable List<String> deny,
      @Nullable TaskLimits limits,
      @Nullable Long timeoutSeconds,
      @Nullable List<String> artifacts) {
    this(
        repo,
        ref,
        agent,
        prompt,
        backend,
        allow,
        deny,
        limits,
        timeoutSeconds,
        artifacts,
        null,
        null);
  }

  /** A request with only the required fields. */
  public static TaskRequest of(String repo, String agent, String prompt) {
    return new TaskRequest(repo, null, agent, prompt, null, null, null, null, null, null);
  }
}
