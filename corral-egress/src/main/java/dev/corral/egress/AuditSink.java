package dev.corral.egress;

import dev.corral.core.EgressRecord;

/** Receives one record per finished connection or request. Thread-safe, must not block long. */
@FunctionalInterface
public interface AuditSink {
  AuditSink NONE = record -> {};

  void record(EgressRecord record);
}
