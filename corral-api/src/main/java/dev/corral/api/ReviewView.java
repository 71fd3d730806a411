package dev.corral.api;

import java.util.List;

/**
 * {@code GET /api/v1/tasks/{id}/review}: the review airlock's report on a finished task's changes.
 *
 * @param blocking whether a finding blocks merge and apply (without {@code acceptRisk})
 * @param files how many changed paths were reviewed
 * @param findings most severe first
 * @param notes what the review itself capped or skipped, one line each
 */
public record ReviewView(
    boolean blocking, int files, List<FindingView> findings, List<String> notes) {}
