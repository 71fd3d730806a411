package dev.corral.api;

import java.util.List;

/** {@code GET /api/v1/tokens}: every token, revoked ones included, oldest first. */
public record TokenList(List<TokenView> tokens) {}
