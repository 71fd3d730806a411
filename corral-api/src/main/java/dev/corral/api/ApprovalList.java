package dev.corral.api;

import java.util.List;

/**
 * {@code GET /api/v1/approvals}: newest first.
 *
 * @param pending how many approvals are pending in all (not only among those listed)
 */
public record ApprovalList(List<ApprovalView> approvals, int pending) {}
