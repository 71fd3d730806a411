package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * A bearer token. {@code token} is present exactly once: in the response that created it (the
 * server keeps only its hash).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenView(
    String id, String name, String created, @Nullable String revoked, @Nullable String token) {}
