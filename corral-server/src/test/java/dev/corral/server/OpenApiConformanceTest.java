package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.api.LogChunk;
import dev.corral.api.LogEnd;
import dev.corral.api.MergeResult;
import dev.corral.api.Problem;
import dev.corral.api.TaskRequest;
import dev.corral.api.TaskView;
import dev.corral.api.TokenView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The served OpenAPI document against what the server registers and what the wire records hold. */
class OpenApiConformanceTest {
  @TempDir static Path temp;
  static ServerFixture fixture;
  static JsonNode doc;

  @BeforeAll
  static void start() throws Exception {
    fixture = ServerFixture.start(temp, 1);
    doc = new ObjectMapper().readTree(fixture.client.openApi());
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void documentsExactlyTheRegisteredRoutes() {
    Set<String> documented = new TreeSet<>();
    doc.path("paths")
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .fieldNames()
                    .forEachRemaining(m -> documented.add(m + " " + path.getKey())));
    assertThat(documented).isEqualTo(new TreeSet<>(fixture.server.routes()));
  }

  @Test
  void everyOperationHasAnIdAResponseAndItsPathParameters() {
    doc.path("paths")
        .properties()
        .forEach(
            path ->
                path.getValue()
                    .properties()
                    .forEach(
                        op -> {
                          String where = op.getKey() + " " + path.getKey();
                          assertThat(op.getValue().path("operationId").asText())
                              .as(where)
                              .isNotBlank();
                          assertThat(op.getValue().path("responses").size()).as(where).isPositive();
                          List<String> declared = new ArrayList<>();
                          op.getValue()
                              .path("parameters")
                              .forEach(
                                  p -> {
                                    if (p.path("in").asText().equals("path"))
                                      declared.add(p.path("name").asText());
                                  });
                          List<String> inPath = new ArrayList<>();
                          var m =
                              java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(path.getKey());
                          while (m.find()) {
                            inPath.add(m.group(1));
                          }
                          assertThat(declared).as(where).isEqualTo(inPath);
                        }));
  }

  @Test
  void schemasNameExactlyTheFieldsOfTheWireRecords() {
    Map<String, Class<? extends Record>> records =
        Map.ofEntries(
            Map.entry("Problem", Problem.class),
            Map.entry("TaskRequest", TaskRequest.class),
            Map.entry("Task", TaskView.class),
            Map.entry("Token", TokenView.class),
            Map.entry("LogChunk", LogChunk.class),
            Map.entry("LogEnd", LogEnd.class),
            Map.entry("MergeResult", MergeResult.class),
            Map.entry("MergeRequest", dev.corral.api.MergeRequest.class),
            Map.entry("ApplyRequest", dev.corral.api.ApplyRequest.class),
            Map.entry("ApplyResult", dev.corral.api.ApplyResult.class),
            Map.entry("Review", dev.corral.api.ReviewView.class),
            Map.entry("Finding", dev.corral.api.FindingView.class),
            Map.entry("TaskLimits", dev.corral.api.TaskLimits.class),
            Map.entry("Transition", dev.corral.api.Transition.class),
            Map.entry("SandboxRequest", dev.corral.api.SandboxRequest.class),
            Map.entry("Sandbox", dev.corral.api.SandboxView.class),
            Map.entry("ExecEvent", dev.corral.api.ExecEvent.class),
            Map.entry("TerminalResize", dev.corral.api.TerminalResize.class),
            Map.entry("EgressRule", dev.corral.api.EgressRuleView.class),
            Map.entry("EgressPolicy", dev.corral.api.EgressPolicyView.class),
            Map.entry("EgressRuleRequest", dev.corral.api.EgressRuleRequest.class),
            Map.entry("EgressChange", dev.corral.api.EgressChangeView.class),
            Map.entry("EgressLog", dev.corral.api.EgressLogView.class),
            Map.entry("Approval", dev.corral.api.ApprovalView.class),
            Map.entry("ApprovalList", dev.corral.api.ApprovalList.class),
            Map.entry("ApprovalAnswerRequest", dev.corral.api.ApprovalAnswerRequest.class));
    records.forEach(
        (schema, type) -> {
          Set<String> documented = new TreeSet<>();
          doc.path("components")
              .path("schemas")
              .path(schema)
              .path("properties")
              .fieldNames()
              .forEachRemaining(documented::add);
          Set<String> fields = new TreeSet<>();
          for (var component : type.getRecordComponents()) {
            fields.add(component.getName());
          }
          assertThat(documented).as(schema).isEqualTo(fields);
        });
  }

  @Test
  void everyDocumentedParameterlessGetAnswersWithADocumentedStatus() throws Exception {
    for (var path :
        (Iterable<Map.Entry<String, JsonNode>>) () -> doc.path("paths").properties().iterator()) {
      JsonNode get = path.getValue().get("get");
      if (get == null
          || path.getKey().contains("{")
          || get.path("responses").path("200").path("content").has("text/event-stream")) {
        continue; // a stream without parameters does not end by itself
      }
      var response = ApiGuardTestHttp.get(fixture, path.getKey());
      assertThat(get.path("responses").has(Integer.toString(response)))
          .as(path.getKey() + " answered " + response)
          .isTrue();
    }
  }
}
