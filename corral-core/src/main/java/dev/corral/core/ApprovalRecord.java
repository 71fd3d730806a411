package dev.corral.core;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One approval as the queue keeps it.
 *
 * @param id a short public identifier, {@code apr-} and 8 hex digits
 * @param seq a number that grows with every change to any approval; a stream client resumes after
 *     the last one it saw
 * @param request what is asked
 * @param created when it was opened
 * @param expires when it is denied unless answered
 * @param state pending, answered, expired or withdrawn
 * @param answer the answer, once answered or expired (expiry answers {@code Deny(expired=true)})
 * @param answeredBy who or what closed it (e.g. {@code token tok-…}, {@code dashboard}, {@code
 *     timeout}), once closed
 * @param closed when it left {@code pending}
 * @param reason a one-line account of the current state
 */
public record ApprovalRecord(
    String id,
    long seq,
    ApprovalRequest request,
    Instant created,
    Instant expires,
    ApprovalState state,
    Optional<ApprovalAnswer> answer,
    Optional<String> answeredBy,
    Optional<Instant> closed,
    String reason) {
  private static final Pattern ID = Pattern.compile("apr-[0-9a-f]{8}");

  public ApprovalRecord {
    checkId(id);
    if (expires.isBefore(created)) {
      throw new IllegalArgumentException("an approval cannot expire before it was created");
    }
  }

  /**
   * Checks an approval id as a user typed it.
   *
   * @throws UsageException naming the id and its expected shape
   */
  public static String checkId(String id) {
    if (!ID.matcher(id).matches()) {
      throw new UsageException(
          "invalid approval id '" + id + "'",
          "approval ids look like apr-3f9a0c1b; list them with `corral approvals`");
    }
    return id;
  }

  /** A new pending approval. */
  public static ApprovalRecord pending(
      String id, ApprovalRequest request, Instant created, Instant expires) {
    return new ApprovalRecord(
        id,
        0,
        request,
        created,
        expires,
        ApprovalState.PENDING,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        "waiting for an answer");
  }
}
