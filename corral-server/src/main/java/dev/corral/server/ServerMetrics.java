package dev.corral.server;

import dev.corral.core.Store;
import dev.corral.core.TaskId;
import dev.corral.core.TaskRecord;
import dev.corral.core.TaskState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The server's Prometheus metrics (Micrometer): tasks by state, sandboxes by state, task start
 * latency and duration, egress denials, HTTP requests. Thread-safe.
 */
final class ServerMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<TaskId, Long> submittedAt = new ConcurrentHashMap<>();

  ServerMetrics(Store store, IntSupplier runningSandboxes) {
    for (TaskState state : TaskState.values()) {
      Gauge.builder("corral.tasks", store, s -> s.count(state))
          .description("Tasks by state")
          .tag("state", state.wireName())
          .register(registry);
    }
    Gauge.builder("corral.sandboxes", runningSandboxes, s -> s.getAsInt())
        .description("Sandboxes by state")
        .tag("state", "running")
        .register(registry);
  }

  void submitted(TaskId id) {
    submittedAt.put(id, System.nanoTime());
  }

  void running(TaskId id) {
    Long start = submittedAt.remove(id);
    if (start != null) {
      Timer.builder("corral.task.start")
          .description("Task submitted to agent running (this server process only)")
          .publishPercentiles(0.5, 0.99)
          .register(registry)
          .record(Duration.ofNanos(System.nanoTime() - start));
    }
  }

  void ended(TaskRecord task) {
    submittedAt.remove(task.id());
    Timer.builder("corral.task.duration")
        .description("Task accepted to ended")
        .tag("state", task.state().wireName())
        .register(registry)
        .record(Duration.between(task.created(), task.updated()));
  }

  void egressDenied(int count) {
    Counter.builder("corral.egress.denied")
        .description("Distinct hosts the egress gateway refused tasks")
        .register(registry)
        .increment(count);
  }

  void request(String method, String route, int status, long nanos) {
    Timer.builder("http.server.requests")
        .tag("method", method)
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .register(registry)
        .record(Duration.ofNanos(nanos));
  }

  String scrape() {
    return registry.scrape();
  }
}
