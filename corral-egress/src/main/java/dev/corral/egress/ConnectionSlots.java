package dev.corral.egress;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts a sandbox's concurrent client connections against its limit. Thread-safe. */
final class ConnectionSlots {
  private final int limit;
  private final AtomicInteger used = new AtomicInteger();

  ConnectionSlots(int limit) {
    this.limit = limit;
  }

  boolean tryAcquire() {
    while (true) {
      int current = used.get();
      if (current >= limit) {
        return false;
      }
      if (used.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  void release() {
    used.decrementAndGet();
  }

  int used() {
    return used.get();
  }
}
