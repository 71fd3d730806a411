package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * One line of an exec's {@code application/x-ndjson} response: output ({@code stream} is {@code
 * stdout} or {@code stderr}, {@code text} the chunk) or, last, the {@code exitCode}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExecEvent(
    @Nullable String stream, @Nullable String text, @Nullable Integer exitCode) {}
