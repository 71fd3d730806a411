package dev.corral.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.UsageException;
import dev.corral.egress.EgressRule.Action;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EgressRuleTest {

  private static EgressRule allow(String text) {
    return EgressRule.parse(text, Action.ALLOW, "--allow");
  }

  @Test
  void parsesAnExactHostWithTheDefaultPorts() {
    EgressRule rule = allow("API.GitHub.com.");

    assertThat(rule.host()).isEqualTo("api.github.com");
    assertThat(rule.ports()).isEqualTo(Set.of(80, 443));
    assertThat(rule.http().restricts()).isFalse();
    assertThat(rule.privateTargets()).isFalse();
    assertThat(rule.text()).isEqualTo("API.GitHub.com.");
    assertThat(rule.describe()).isEqualTo("API.GitHub.com. (--allow)");
  }

  @Test
  void parsesAWildcardWithAPort() {
    EgressRule rule = allow("*.npmjs.org:443");

    assertThat(rule.host()).isEqualTo("*.npmjs.org");
    assertThat(rule.wildcard()).isTrue();
    assertThat(rule.ports()).containsExactly(443);
  }

  @Test
  void parsesAnyPort() {
    EgressRule rule = allow("registry.example.com:*");

    assertThat(rule.anyPort()).isTrue();
  }

  @Test
  void parsesMethodsHostAndPath() {
    EgressRule rule = allow("GET,HEAD example.com/simple/");

    assertThat(rule.host()).isEqualTo("example.com");
    assertThat(rule.http().methods()).containsExactlyInAnyOrder("GET", "HEAD");
    assertThat(rule.http().pathPrefix()).contains("/simple/");
    assertThat(rule.http().restricts()).isTrue();
  }

  @Test
  void parsesAPathWithoutMethods() {
    assertThat(allow("example.com:8080/api").http())
        .isEqualTo(new EgressRule.HttpScope(Set.of(), Optional.of("/api")));
  }

  @Test
  void parsesPrivateTargets() {
    EgressRule rule = allow("private:git.internal:22");

    assertThat(rule.privateTargets()).isTrue();
    assertThat(rule.host()).isEqualTo("git.internal");
    assertThat(rule.ports()).containsExactly(22);
  }

  @Test
  void parsesIpLiteralsInCanonicalForm() {
    assertThat(allow("203.0.114.7").host()).isEqualTo("203.0.114.7");
    assertThat(allow("[2606:4700:0::1111]:443").host()).isEqualTo("2606:4700:0:0:0:0:0:1111");
    assertThat(allow("2606:4700::1111").ports()).isEqualTo(Set.of(80, 443));
    assertThat(allow("private:[::1]:8080").host()).isEqualTo("0:0:0:0:0:0:0:1");
  }

  @Test
  void parsesADenyRule() {
    EgressRule rule = EgressRule.parse("*.evil.example", Action.DENY, "corral.toml");

    assertThat(rule.action()).isEqualTo(Action.DENY);
    assertThat(rule.origin()).isEqualTo("corral.toml");
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''                    | invalid egress rule \"\": the rule is empty",
        "GET a.com /x          | invalid egress rule \"GET a.com /x\": too many words",
        "example.com:0         | invalid egress rule \"example.com:0\": \"0\" is not a port",
        "example.com:http      | invalid egress rule \"example.com:http\": \"http\" is not a port",
        "example.com:70000     | invalid egress rule \"example.com:70000\": \"70000\" is not a port",
        "*                     | invalid egress rule \"*\": \"*\" would allow every host",
        "*.com                 | invalid egress rule \"*.com\": \"*.com\" covers a whole top-level domain",
        "a.*.com               | invalid egress rule \"a.*.com\": '*' may only start a pattern",
        "exa mple.com          | invalid egress rule \"exa mple.com\": \"exa\" is not an HTTP method",
        "GET mple.com:x:y      | invalid egress rule \"GET mple.com:x:y\": \"mple.com:x:y\" is not an IPv6 address",
        "G-T example.com       | invalid egress rule \"G-T example.com\": \"G-T\" is not an HTTP method",
        "exam!ple.com          | invalid egress rule \"exam!ple.com\": \"exam!ple\" is not a valid host name label (letters, digits, '-', '_')",
        "a..com                | invalid egress rule \"a..com\": the host has an empty label",
        "host.123              | invalid egress rule \"host.123\": \"host.123\" is neither a host name nor an IP address",
        "2130706433            | invalid egress rule \"2130706433\": 127.0.0.1 is a loopback address",
        "example.com/a/../b    | invalid egress rule \"example.com/a/../b\": path /a/../b is not in canonical form",
        "[::1                  | invalid egress rule \"[::1\": unclosed '[' in an IPv6 address",
        "@github               | invalid egress rule \"@github\": a service bundle cannot be used here",
      })
  void rejectsMalformedRulesNamingTheText(String text, String message) {
    assertThatThrownBy(() -> allow(text)).isInstanceOf(UsageException.class).hasMessage(message);
  }

  @Test
  void explainsHowToWriteARuleInTheHint() {
    assertThatThrownBy(() -> allow("example.com:http"))
        .isInstanceOfSatisfying(
            UsageException.class,
            e -> assertThat(e.hint()).contains("use a port from 1 to 65535, or * for any port"));
  }

  @Test
  void refusesAPrivateAddressWithoutPrivateAndSaysHowToAllowIt() {
    assertThatThrownBy(() -> allow("GET 10.0.0.5:8080"))
        .isInstanceOfSatisfying(
            UsageException.class,
            e -> {
              assertThat(e)
                  .hasMessage(
                      "invalid egress rule \"GET 10.0.0.5:8080\": 10.0.0.5 is a private address"
                          + " (RFC 1918)");
              assertThat(e.hint()).contains("write \"GET private:10.0.0.5:8080\" to allow it");
            });
    assertThat(allow("GET private:10.0.0.5:8080").privateTargets()).isTrue();
  }

  @Test
  void refusesMetadataAddressesEvenWithPrivate() {
    assertThatThrownBy(() -> allow("private:169.254.169.254"))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "invalid egress rule \"private:169.254.169.254\": 169.254.169.254 is a cloud metadata"
                + " address");
  }

  @Test
  void acceptsPrivateAddressesInDenyRules() {
    assertThat(EgressRule.parse("10.0.0.5", Action.DENY, "--deny").host()).isEqualTo("10.0.0.5");
  }

  @Test
  void refusesPrivateOnADenyRule() {
    assertThatThrownBy(() -> EgressRule.parse("private:x.org", Action.DENY, "--deny"))
        .hasMessage("invalid egress rule \"private:x.org\": private: only widens allow rules");
  }
}
