package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/** The last event of a task's log stream ({@code end}): the task ended in {@code state}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LogEnd(String state, @Nullable Integer exitCode, long offset) {}
