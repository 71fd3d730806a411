package dev.corral.api;

/** {@code /healthz} and {@code /readyz}: {@code ok}, or what is wrong. */
public record Health(String status, String detail) {}
