package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * Resource limits of a task; absent fields take the server's defaults.
 *
 * @param memory e.g. {@code 512m} or {@code 2g}
 * @param pids maximum processes and threads
 * @param cpus CPU cores, e.g. {@code 1.5}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskLimits(@Nullable String memory, @Nullable Integer pids, @Nullable Double cpus) {}
