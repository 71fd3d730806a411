package dev.corral.server;

import dev.corral.api.TaskLimits;
import dev.corral.api.TaskRequest;
import dev.corral.api.TaskView;
import dev.corral.api.Transition;
import dev.corral.core.ResourceLimits;
import dev.corral.core.TaskRecord;
import dev.corral.core.TaskSpec;
import dev.corral.core.TaskTransition;
import dev.corral.core.UsageException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Converts between the wire records and the domain's task types. */
final class TaskViews {
  private TaskViews() {}

  static TaskSpec toSpec(TaskRequest request) {
    Long timeout = request.timeoutSeconds();
    if (timeout != null && (timeout < 1 || timeout > Duration.ofDays(7).toSeconds())) {
      throw new UsageException(
          "invalid value for field 'timeoutSeconds': " + timeout, "give 1 to 604800 seconds");
    }
    return new TaskSpec(
        required(request.repo(), "repo"),
        Optional.ofNullable(request.ref()).filter(r -> !r.isBlank()),
        required(request.agent(), "agent"),
        required(request.prompt(), "prompt"),
        Optional.ofNullable(request.backend()).filter(b -> !b.isBlank()),
        strings(request.allow(), "allow"),
        strings(request.deny(), "deny"),
        Optional.ofNullable(request.limits()).map(TaskViews::limits),
        Optional.ofNullable(timeout).map(Duration::ofSeconds),
        strings(request.artifacts(), "artifacts"),
        Boolean.TRUE.equals(request.egressAsk()),
        !Boolean.FALSE.equals(request.terminal()));
  }

  static ResourceLimits limits(TaskLimits limits) {
    ResourceLimits result = ResourceLimits.DEFAULT;
    String memory = limits.memory();
    if (memory != null) {
      try {
        result = result.withMemoryBytes(ResourceLimits.parseSize(memory));
      } catch (UsageException | IllegalArgumentException e) {
        throw new UsageException(
            "invalid value for field 'limits.memory': '" + memory + "'", "use e.g. 512m or 2g");
      }
    }
    Integer pids = limits.pids();
    if (pids != null) {
      result = result.withPids(pids);
    }
    Double cpus = limits.cpus();
    if (cpus != null) {
      result = result.withCpus(cpus);
    }
    return result;
  }

  @SuppressWarnings("NullAway") // Jackson leaves missing fields null despite the record's types
  private static String required(@Nullable String value, String field) {
    if (value == null || value.isBlank()) {
      throw new UsageException(
          "missing field '" + field + "' in the request body", "see /api/v1/openapi.json");
    }
    return value;
  }

  private static List<String> strings(@Nullable List<String> values, String field) {
    if (values == null) {
      return List.of();
    }
    for (Object value : values) {
      if (!(value instanceof String s) || s.isBlank()) {
        throw new UsageException(
            "invalid value in field '" + field + "': entries must be non-empty strings", null);
      }
    }
    return values;
  }

  static TaskView view(
      TaskRecord task,
      String branch,
      long logBytes,
      List<String> artifacts,
      List<String> deniedHosts,
      List<TaskTransition> history) {
    TaskSpec spec = task.spec();
    return new TaskView(
        task.id().value(),
        task.state().wireName(),
        task.reason(),
        spec.repo(),
        spec.ref().orElse(null),
        spec.agent(),
        spec.prompt(),
        spec.terminal(),
        task.backend().or(spec::backend).orElse(null),
        task.sandbox().map(s -> s.value()).orElse(null),
        task.exitCode().orElse(null),
        task.created().toString(),
        task.updated().toString(),
        branch,
        logBytes,
        artifacts,
        deniedHosts,
        history.stream()
            .map(
                t ->
                    new Transition(
                        t.from().map(s -> s.wireName()).orElse(null),
                        t.to().wireName(),
                        t.at().toString(),
                        t.reason()))
            .toList());
  }
}
