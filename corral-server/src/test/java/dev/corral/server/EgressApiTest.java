package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corral.core.EgressAdmin;
import dev.corral.core.EgressRequest;
import dev.corral.core.HostPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The egress endpoints over a fake of the {@link EgressAdmin} port. */
class EgressApiTest {
  @TempDir Path temp;

  /** Policy and audit as the app's admin reports them; remembers the rules added. */
  static final class FakeAdmin implements EgressAdmin {
    final List<String> added = new ArrayList<>();
    final Path audit;

    FakeAdmin(Path audit) {
      this.audit = audit;
    }

    @Override
    public PolicyReport policy(HostPath workspace) {
      return new PolicyReport(
          workspace,
          List.of(),
          List.of(
              new Rule(
                  Action.ALLOW,
                  "@pypi",
                  "user config",
                  Optional.of("pypi.org, files.pythonhosted.org"))),
          List.of("a warning"));
    }

    @Override
    public Change add(HostPath workspace, Scope scope, Action action, String rule) {
      added.add(workspace + " " + scope + " " + action + " " + rule);
      return new Change(
          HostPath.of(audit.resolveSibling("config.toml")),
          new Rule(action, rule, "user config", Optional.empty()),
          true,
          false,
          List.of());
    }

    @Override
    public Verdict test(HostPath workspace, EgressRequest request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<HostPath> auditFiles() {
      return List.of(HostPath.of(audit));
    }

    @Override
    public HostPath currentAuditFile() {
      return HostPath.of(audit);
    }
  }

  @Test
  void servesTheAuditLogThePolicyAndAddsRules() throws Exception {
    Path audit = temp.resolve("egress.jsonl");
    Files.writeString(
        audit,
        "{\"host\":\"pypi.org\",\"decision\":\"allow\",\"sandbox\":\"t-1\"}\n"
            + "{\"host\":\"evil.test\",\"decision\":\"deny\",\"sandbox\":\"t-2\"}\n"
            + "{\"host\":\"cut"
            + "\n{\"host\":\"npmjs.org\",\"decision\":\"allow\",\"sandbox\":\"t-1\"}\n");
    FakeAdmin admin = new FakeAdmin(audit);
    try (ServerFixture fixture =
        ServerFixture.start(temp, temp.resolve("data"), 1, Optional.of(admin))) {
      ObjectMapper json = new ObjectMapper();
      JsonNode all = json.readTree(get(fixture, "/api/v1/egress/log"));
      assertThat(all.path("records"))
          .extracting(r -> r.path("host").asText())
          .containsExactly("pypi.org", "evil.test", "npmjs.org");
      JsonNode denied = json.readTree(get(fixture, "/api/v1/egress/log?denied=true"));
      assertThat(denied.path("records"))
          .extracting(r -> r.path("host").asText())
          .containsExactly("evil.test");
      JsonNode one = json.readTree(get(fixture, "/api/v1/egress/log?sandbox=t-1"));
      assertThat(one.path("records"))
          .extracting(r -> r.path("host").asText())
          .containsExactly("pypi.org", "npmjs.org");
      JsonNode last = json.readTree(get(fixture, "/api/v1/egress/log?limit=1"));
      assertThat(last.path("records"))
          .extracting(r -> r.path("host").asText())
          .containsExactly("npmjs.org");

      JsonNode policy = json.readTree(get(fixture, "/api/v1/egress/policy?workspace=" + temp));
      assertThat(policy.path("workspace").asText()).isEqualTo(temp.toString());
      assertThat(policy.path("effective").get(0).path("rule").asText()).isEqualTo("@pypi");
      assertThat(policy.path("effective").get(0).path("covers").asText()).startsWith("pypi.org");

      var response =
          ApiGuardTest.sendAs(
              fixture,
              "POST",
              "/api/v1/egress/policy",
              "{\"scope\":\"user\",\"action\":\"allow\",\"rule\":\"pypi.org\"}");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(json.readTree(response.body()).path("changed").asBoolean()).isTrue();
      assertThat(admin.added)
          .containsExactly(fixture.data.toAbsolutePath() + " USER ALLOW pypi.org");

      var bad =
          ApiGuardTest.sendAs(
              fixture,
              "POST",
              "/api/v1/egress/policy",
              "{\"scope\":\"everyone\",\"action\":\"allow\",\"rule\":\"x\"}");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(json.readTree(bad.body()).path("detail").asText())
          .isEqualTo("invalid value for field 'scope': 'everyone'");
    }
  }

  @Test
  void aServerWithoutAGatewayAnswers503() throws Exception {
    try (ServerFixture fixture = ServerFixture.start(temp, 1)) {
      assertThat(ApiGuardTestHttp.get(fixture, "/api/v1/egress/log")).isEqualTo(503);
    }
  }

  private static String get(ServerFixture fixture, String path) throws Exception {
    var response = ApiGuardTest.sendAs(fixture, "GET", path, "");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }
}
