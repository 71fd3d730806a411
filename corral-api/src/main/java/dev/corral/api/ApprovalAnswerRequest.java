package dev.corral.api;

import org.jspecify.annotations.Nullable;

/**
 * {@code POST /api/v1/approvals/{id}/answer}. {@code answer} is {@code allow} (once), {@code
 * allow-always} (hosts; with {@code scope} {@code sandbox}, {@code project} or {@code everywhere},
 * default {@code project}), {@code deny}, {@code text} (prompts; with {@code text}, typed into the
 * terminal followed by a newline) or {@code apply} (merges: apply the diff unstaged instead of
 * merging the branch). For a merge, {@code allow} merges and {@code deny} discards.
 */
public record ApprovalAnswerRequest(String answer, @Nullable String scope, @Nullable String text) {}
