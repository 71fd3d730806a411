package dev.corral.core;

/** Receives {@link SandboxEvent}s. Implementations must be thread-safe and must not block. */
@FunctionalInterface
public interface EventSink {
  EventSink NONE = event -> {};

  void accept(SandboxEvent event);
}
