package dev.corral.egress;

import dev.corral.core.EgressDecision;
import dev.corral.core.EgressRecord;
import java.util.concurrent.atomic.LongAdder;

/** Counts every finished exchange and hands its record to the audit sink. Thread-safe. */
final class AuditTrail {
  private static final System.Logger LOG = System.getLogger(AuditTrail.class.getName());

  private final AuditSink sink;
  private final LongAdder allowed = new LongAdder();
  private final LongAdder denied = new LongAdder();
  private final LongAdder bytesUp = new LongAdder();
  private final LongAdder bytesDown = new LongAdder();

  AuditTrail(AuditSink sink) {
    this.sink = sink;
  }

  void record(EgressRecord record) {
    switch (record.decision()) {
      case EgressDecision.Allowed a -> allowed.increment();
      case EgressDecision.Denied d -> denied.increment();
    }
    bytesUp.add(record.bytesUp());
    bytesDown.add(record.bytesDown());
    try {
      sink.record(record);
    } catch (RuntimeException e) {
      // The audit sink must not take the connection (or the event loop) down with it.
      LOG.log(System.Logger.Level.WARNING, "egress audit sink failed", e);
    }
  }

  EgressCounters snapshot() {
    return new EgressCounters(allowed.sum(), denied.sum(), bytesUp.sum(), bytesDown.sum());
  }
}
