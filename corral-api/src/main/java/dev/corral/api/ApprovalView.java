package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * An approval as the API shows it. {@code kind} is {@code host}, {@code prompt} or {@code merge};
 * {@code state} is pending, answered, expired or withdrawn; instants are ISO-8601.
 *
 * @param seq grows with every change to any approval (the SSE event id)
 * @param host the host a {@code host} approval asks for, with {@code port}
 * @param screen the terminal's last screen of a {@code prompt} approval, with {@code question}
 * @param task the task of a {@code merge} approval
 * @param answer once closed: {@code allow-once}, {@code allow-always}, {@code deny}, {@code text}
 *     or {@code apply}
 * @param scope the scope of an {@code allow-always} answer: {@code sandbox}, {@code project} or
 *     {@code everywhere}
 * @param text the text of a {@code text} answer
 * @param expired whether a {@code deny} came from expiry rather than a human
 * @param answeredBy who or what closed it
 * @param reason a one-line account of the state (e.g. what a merge did)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApprovalView(
    String id,
    long seq,
    String kind,
    String sandbox,
    String summary,
    @Nullable String host,
    @Nullable Integer port,
    @Nullable String screen,
    @Nullable String question,
    @Nullable String task,
    String created,
    String expires,
    String state,
    @Nullable String answer,
    @Nullable String scope,
    @Nullable String text,
    @Nullable Boolean expired,
    @Nullable String answeredBy,
    @Nullable String closed,
    String reason) {}
