package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A task as the API shows it. {@code state} is one of {@code queued, preparing, running, waiting,
 * succeeded, failed, cancelled, timed_out}; instants are ISO-8601.
 *
 * @param branch the branch holding the agent's changes in the task's clone
 * @param logBytes the size of the task's log so far
 * @param deniedHosts hosts the egress gateway refused the task ({@code host:port})
 * @param terminal whether the agent runs in a terminal (its prompts open approvals and a client may
 *     take control of its input over {@code /tasks/{id}/attach?control=true})
 * @param history the task's transitions, oldest first (only on single-task reads)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskView(
    String id,
    String state,
    String reason,
    String repo,
    @Nullable String ref,
    String agent,
    String prompt,
    boolean terminal,
    @Nullable String backend,
    @Nullable String sandbox,
    @Nullable Integer exitCode,
    String created,
    String updated,
    String branch,
    long logBytes,
    List<String> artifacts,
    List<String> deniedHosts,
    List<Transition> history) {}
