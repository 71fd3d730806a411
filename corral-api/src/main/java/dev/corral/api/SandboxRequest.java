package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /api/v1/sandboxes}: start a sandbox on a workspace of the server's host.
 *
 * @param name sandbox name (a-z, 0-9, {@code -}, {@code _}); generated when absent
 * @param workspace absolute path of the directory the sandbox may write
 * @param command the command; an interactive login shell when absent (give {@code tty: true})
 * @param tty run under a pseudo-terminal (for {@code /terminal})
 * @param egressAsk ask mode: a request no rule decides is held while a human is asked (a host
 *     approval) instead of being denied
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SandboxRequest(
    @Nullable String name,
    String workspace,
    @Nullable List<String> command,
    @Nullable Boolean tty,
    @Nullable Map<String, String> env,
    @Nullable String backend,
    @Nullable List<String> allow,
    @Nullable List<String> deny,
    @Nullable TaskLimits limits,
    @Nullable Long timeoutSeconds,
    @Nullable Boolean egressAsk) {}
