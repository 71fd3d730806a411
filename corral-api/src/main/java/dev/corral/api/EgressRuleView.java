package dev.corral.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/** One egress rule: {@code action} allow or deny, where it comes from, what a bundle covers. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EgressRuleView(String action, String rule, String origin, @Nullable String covers) {}
