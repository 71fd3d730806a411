package dev.corral.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.core.ResourceLimits;
import dev.corral.core.TaskSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The stored form of a {@link TaskSpec}: explicit JSON fields, so that renaming a Java component
 * never silently changes the schema. Unknown fields are ignored on read (a newer Corral may add
 * some); missing optional fields read as absent.
 */
final class SpecJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private SpecJson() {}

  static String write(TaskSpec spec) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("repo", spec.repo());
    spec.ref().ifPresent(ref -> node.put("ref", ref));
    node.put("agent", spec.agent());
    node.put("prompt", spec.prompt());
    spec.backend().ifPresent(backend -> node.put("backend", backend));
    strings(node.putArray("allow"), spec.allow());
    strings(node.putArray("deny"), spec.deny());
    spec.limits()
        .ifPresent(
            limits -> {
              ObjectNode l = node.putObject("limits");
              l.put("memoryBytes", limits.memoryBytes());
              l.put("pids", limits.pids());
              l.put("cpus", limits.cpus());
              l.put("cpuTimeSeconds", limits.cpuTime().toSeconds());
              l.put("fileSizeBytes", limits.fileSizeBytes());
              l.put("openFiles", limits.openFiles());
            });
    spec.timeout().ifPresent(timeout -> node.put("timeoutMillis", timeout.toMillis()));
    strings(node.putArray("artifacts"), spec.artifacts());
    if (spec.egressAsk()) {
      node.put("egressAsk", true);
    }
    node.put("terminal", spec.terminal());
    return node.toString();
  }

  static TaskSpec read(String json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored task spec is not JSON: " + e.getOriginalMessage(), e);
    }
    JsonNode l = node.path("limits");
    Optional<ResourceLimits> limits =
        l.isObject()
            ? Optional.of(
                new ResourceLimits(
                    l.path("memoryBytes").asLong(),
                    l.path("pids").asInt(),
                    l.path("cpus").asDouble(),
                    Duration.ofSeconds(l.path("cpuTimeSeconds").asLong()),
                    l.path("fileSizeBytes").asLong(),
                    l.path("openFiles").asInt()))
            : Optional.empty();
    return new TaskSpec(
        node.path("repo").asText(),
        text(node, "ref"),
        node.path("agent").asText(),
        node.path("prompt").asText(),
        text(node, "backend"),
        strings(node.path("allow")),
        strings(node.path("deny")),
        limits,
        node.has("timeoutMillis")
            ? Optional.of(Duration.ofMillis(node.path("timeoutMillis").asLong()))
            : Optional.empty(),
        strings(node.path("artifacts")),
        node.path("egressAsk").asBoolean(false),
        // Tasks stored before terminals existed ran with pipes.
        node.path("terminal").asBoolean(false));
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
  }

  private static void strings(ArrayNode array, List<String> values) {
    values.forEach(array::add);
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }
}
