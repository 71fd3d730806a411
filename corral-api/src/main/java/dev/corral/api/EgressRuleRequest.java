package dev.corral.api;

import org.jspecify.annotations.Nullable;

/**
 * {@code POST /api/v1/egress/policy}: add {@code rule} as {@code action} ({@code allow} or {@code
 * deny}) to the {@code user} configuration, or to the {@code project} file of {@code workspace}.
 * Running sandboxes pick it up without a restart.
 */
public record EgressRuleRequest(
    @Nullable String workspace, String scope, String action, String rule) {}
