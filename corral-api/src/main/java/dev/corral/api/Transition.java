package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/** One state change of a task; {@code at} is an ISO-8601 instant. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Transition(@Nullable String from, String to, String at, String reason) {}
