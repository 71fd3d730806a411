package dev.corral.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.EgressDecision.Allowed;
import dev.corral.core.EgressRequest;
import dev.corral.core.EgressRequest.Protocol;
import dev.corral.core.SandboxId;
import dev.corral.core.UsageException;
import dev.corral.egress.EgressRule.Action;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceCatalogTest {

  private final ServiceCatalog catalog = ServiceCatalog.load();

  @Test
  void shipsTheBundlesAgentsAndPackageManagersNeed() {
    assertThat(catalog.bundles())
        .extracting(ServiceCatalog.Bundle::name)
        .containsExactly(
            "aider",
            "claude",
            "codex",
            "copilot",
            "crates",
            "debian",
            "gemini",
            "github",
            "go",
            "goose",
            "gradle",
            "maven",
            "npm",
            "opencode",
            "pi",
            "pypi");
    assertThat(catalog.bundles()).allSatisfy(b -> assertThat(b.description()).isNotBlank());
    assertThat(catalog.bundle("claude").rules()).contains("api.anthropic.com");
    assertThat(catalog.bundle("pypi").rules())
        .containsExactly("pypi.org", "files.pythonhosted.org");
  }

  @Test
  void expandsABundleWithItsOrigin() {
    List<EgressRule> rules = catalog.expand("@github", Action.ALLOW, "corral.toml");

    assertThat(rules).extracting(EgressRule::origin).containsOnly("bundle github");
    assertThat(rules)
        .extracting(EgressRule::text)
        .contains("github.com", "api.github.com", "*.githubusercontent.com");
    RulePolicy policy = RulePolicy.of(rules);
    assertThat(
            policy.decide(
                EgressRequest.connect(
                    SandboxId.of("t"), Protocol.CONNECT, "objects.githubusercontent.com", 443)))
        .isEqualTo(new Allowed("*.githubusercontent.com (bundle github)", false));
  }

  @Test
  void expandsAPlainRuleToItself() {
    assertThat(catalog.expand("example.com:8080", Action.DENY, "--deny"))
        .containsExactly(EgressRule.parse("example.com:8080", Action.DENY, "--deny"));
  }

  @Test
  void rejectsAnUnknownBundleListingTheKnownOnes() {
    assertThatThrownBy(() -> catalog.expand("@gitlab", Action.ALLOW, "--allow"))
        .isInstanceOfSatisfying(
            UsageException.class,
            e -> {
              assertThat(e).hasMessage("unknown service bundle \"gitlab\"");
              assertThat(e.hint())
                  .contains(
                      "known bundles: aider, claude, codex, copilot, crates, debian, gemini,"
                          + " github, go, goose, gradle, maven, npm, opencode, pi, pypi");
            });
  }

  @Test
  void rejectsACatalogWithABadRule() {
    assertThatThrownBy(
            () -> ServiceCatalog.parse("[x]\ndescription = \"x\"\nrules = [\"*.com\"]\n", "t"))
        .isInstanceOf(UsageException.class)
        .hasMessage("invalid egress rule \"*.com\": \"*.com\" covers a whole top-level domain");
  }
}
