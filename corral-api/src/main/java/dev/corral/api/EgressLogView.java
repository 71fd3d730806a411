package dev.corral.api;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/egress/log}: audit records of the egress gateway, oldest first, each the JSON
 * object of one audit line (see {@code docs/egress.md}).
 */
public record EgressLogView(List<Map<String, Object>> records) {}
