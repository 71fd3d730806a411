package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * An error response (RFC 9457 problem details): {@code type} is a stable URI naming the kind of
 * error, {@code title} its short summary, {@code detail} this occurrence in one line, {@code hint}
 * what to do next.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    String type, String title, int status, String detail, @Nullable String hint) {}
