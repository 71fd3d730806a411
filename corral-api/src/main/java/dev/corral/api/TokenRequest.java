package dev.corral.api;

/** {@code POST /api/v1/tokens}: a new bearer token named {@code name} (what it is for). */
public record TokenRequest(String name) {}
