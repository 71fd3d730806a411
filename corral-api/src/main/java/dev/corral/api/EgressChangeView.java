package dev.corral.api;

import java.util.List;

/** What {@code POST /api/v1/egress/policy} did to which file. */
public record EgressChangeView(String file, boolean changed, boolean created, List<String> notes) {}
