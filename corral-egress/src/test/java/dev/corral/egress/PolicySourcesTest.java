package dev.corral.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.ConfigException;
import dev.corral.core.EgressDecision.Allowed;
import dev.corral.core.EgressDecision.Denied;
import dev.corral.core.EgressRequest;
import dev.corral.core.EgressRequest.Protocol;
import dev.corral.core.SandboxId;
import dev.corral.core.UsageException;
import dev.corral.egress.PolicySources.Layer;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicySourcesTest {

  private static final String USER = "~/.config/corral/config.toml";
  private final PolicySources empty = PolicySources.of(ServiceCatalog.load());

  private static EgressRequest connect(String host) {
    return EgressRequest.connect(SandboxId.of("t"), Protocol.CONNECT, host, 443);
  }

  @Test
  void deniesEverythingWithoutSources() {
    assertThat(empty.policy().decide(connect("api.anthropic.com"))).isInstanceOf(Denied.class);
  }

  @Test
  void listsRulesInPrecedenceOrderWhateverTheOrderTheyWereGiven() {
    PolicySources sources =
        empty
            .withCommandLine(List.of("cli.example"), List.of())
            .withProject("corral.toml", List.of("project.example"), List.of())
            .withUserConfig(USER, List.of("user.example"), List.of())
            .withAgentBundles(List.of("npm"));

    assertThat(sources.rules())
        .extracting(EgressRule::describe)
        .containsExactly(
            "registry.npmjs.org (bundle npm)",
            "user.example (" + USER + ")",
            "project.example (corral.toml)",
            "cli.example (--allow)");
  }

  @Test
  void aDenyInAnySourceWinsOverAnAllowInAnyOther() {
    PolicySources userDenies =
        empty
            .withUserConfig(USER, List.of(), List.of("registry.npmjs.org"))
            .withAgentBundles(List.of("npm"))
            .withCommandLine(List.of("registry.npmjs.org"), List.of());
    PolicySources cliDenies =
        empty
            .withProject("corral.toml", List.of("@npm"), List.of())
            .withCommandLine(List.of(), List.of("*.npmjs.org"));

    assertThat(userDenies.policy().decide(connect("registry.npmjs.org")))
        .isEqualTo(
            new Denied(
                "registry.npmjs.org (" + USER + ")",
                "registry.npmjs.org:443 is denied by rule \"registry.npmjs.org\""));
    assertThat(cliDenies.policy().decide(connect("registry.npmjs.org")).rule())
        .isEqualTo("*.npmjs.org (--deny)");
  }

  @Test
  void expandsBundlesInEverySource() {
    PolicySources sources =
        empty
            .withProject("corral.toml", List.of("@pypi"), List.of())
            .withCommandLine(List.of(), List.of("@github"));

    assertThat(sources.policy().decide(connect("files.pythonhosted.org")))
        .isEqualTo(new Allowed("files.pythonhosted.org (bundle pypi)", false));
    assertThat(sources.rules(Layer.COMMAND_LINE))
        .allSatisfy(r -> assertThat(r.action()).isEqualTo(EgressRule.Action.DENY));
  }

  @Test
  void anAgentPresetAllowsItsBundleAndHostsAndNothingElse() {
    Policy policy =
        empty
            .withAgentRules("agent claude", List.of("@claude", "private:api.model.test:8443"))
            .policy();

    assertThat(policy.decide(connect("api.anthropic.com", 443)))
        .isEqualTo(new Allowed("api.anthropic.com (bundle claude)", false));
    assertThat(policy.decide(connect("api.model.test", 8443)))
        .isEqualTo(new Allowed("private:api.model.test:8443 (agent claude)", true));
    assertThat(policy.decide(connect("api.openai.com", 443))).isInstanceOf(Denied.class);
    assertThat(policy.decide(connect("api.model.test", 443))).isInstanceOf(Denied.class);
  }

  private static EgressRequest connect(String host, int port) {
    return EgressRequest.connect(SandboxId.of("t"), Protocol.CONNECT, host, port);
  }

  @Test
  void replacesOneSourceAndKeepsTheOthers() {
    PolicySources before =
        empty
            .withAgentBundles(List.of("claude"))
            .withProject("corral.toml", List.of("old.example"), List.of());

    PolicySources after = before.withProject("corral.toml", List.of("new.example"), List.of());

    assertThat(after.rules(Layer.PROJECT))
        .extracting(EgressRule::text)
        .containsExactly("new.example");
    assertThat(after.rules(Layer.AGENT)).isEqualTo(before.rules(Layer.AGENT));
    assertThat(before.rules(Layer.PROJECT))
        .extracting(EgressRule::text)
        .containsExactly("old.example");
  }

  @Test
  void reportsABadProjectRuleAsAConfigErrorNamingFileKeyAndRule() {
    assertThatThrownBy(
            () -> empty.withProject("corral.toml", List.of("ok.example"), List.of("bad host:x")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e)
                  .hasMessage(
                      "corral.toml: [network] deny: invalid egress rule \"bad host:x\": \"bad\" is"
                          + " not an HTTP method");
              assertThat(e.hint()).isPresent();
            });
  }

  @Test
  void reportsAnUnknownBundleInTheUserConfigAsAConfigError() {
    assertThatThrownBy(() -> empty.withUserConfig(USER, List.of("@nope"), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(USER + ": [network] allow: unknown service bundle \"nope\"");
  }

  @Test
  void reportsABadCommandLineRuleAsAUsageError() {
    assertThatThrownBy(() -> empty.withCommandLine(List.of("example.com:99999"), List.of()))
        .isInstanceOf(UsageException.class)
        .hasMessage("invalid egress rule \"example.com:99999\": \"99999\" is not a port");
  }

  @Test
  void reportsAnUnknownAgentBundle() {
    assertThatThrownBy(() -> empty.withAgentBundles(List.of("cursor")))
        .isInstanceOf(UsageException.class)
        .hasMessage("unknown service bundle \"cursor\"");
  }
}
