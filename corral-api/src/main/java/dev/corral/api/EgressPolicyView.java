package dev.corral.api;

import java.util.List;

/** {@code GET /api/v1/egress/policy}: the effective rules for {@code workspace}, in order. */
public record EgressPolicyView(
    String workspace, List<EgressRuleView> effective, List<String> warnings) {}
