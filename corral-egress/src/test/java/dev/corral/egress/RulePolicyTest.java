package dev.corral.egress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.EgressDecision;
import dev.corral.core.EgressDecision.Allowed;
import dev.corral.core.EgressDecision.Denied;
import dev.corral.core.EgressRequest;
import dev.corral.core.EgressRequest.Protocol;
import dev.corral.core.SandboxId;
import dev.corral.egress.EgressRule.Action;
import dev.corral.egress.PolicyExplanation.RuleMatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RulePolicyTest {

  private static final SandboxId SANDBOX = SandboxId.of("test");

  private static EgressRule allow(String text) {
    return EgressRule.parse(text, Action.ALLOW, "--allow");
  }

  private static EgressRule deny(String text) {
    return EgressRule.parse(text, Action.DENY, "--deny");
  }

  private static RulePolicy policy(EgressRule... rules) {
    return RulePolicy.of(Arrays.asList(rules));
  }

  private static EgressRequest connect(String host, int port) {
    return EgressRequest.connect(SANDBOX, Protocol.CONNECT, host, port);
  }

  private static EgressRequest http(String method, String host, String path) {
    return new EgressRequest(
        SANDBOX, Protocol.HTTP, host, 80, Optional.of(method), Optional.of(path));
  }

  private static boolean allowed(Policy policy, EgressRequest request) {
    return policy.decide(request) instanceof Allowed;
  }

  @Test
  void deniesEverythingByDefault() {
    assertThat(policy().decide(connect("example.com", 443)))
        .isEqualTo(new Denied("default deny", "no rule allows example.com:443"));
  }

  @Test
  void allowsAnExactHostAndNamesTheRule() {
    assertThat(policy(allow("api.github.com")).decide(connect("api.github.com", 443)))
        .isEqualTo(new Allowed("api.github.com (--allow)", false));
  }

  @Test
  void exactHostDoesNotCoverSubdomainsOrLookalikes() {
    RulePolicy policy = policy(allow("github.com"));

    assertThat(allowed(policy, connect("api.github.com", 443))).isFalse();
    assertThat(allowed(policy, connect("evilgithub.com", 443))).isFalse();
    assertThat(allowed(policy, connect("github.com.evil.org", 443))).isFalse();
  }

  @Test
  void wildcardCoversSubdomainsAtAnyDepthButNotTheApex() {
    RulePolicy policy = policy(allow("*.example.com"));

    assertThat(allowed(policy, connect("a.example.com", 443))).isTrue();
    assertThat(allowed(policy, connect("a.b.example.com", 443))).isTrue();
    assertThat(allowed(policy, connect("example.com", 443))).isFalse();
    assertThat(allowed(policy, connect("badexample.com", 443))).isFalse();
    assertThat(allowed(policy, connect("example.com.evil.org", 443))).isFalse();
  }

  @Test
  void coversPorts80And443UnlessAPortIsGiven() {
    RulePolicy defaults = policy(allow("example.com"));
    RulePolicy one = policy(allow("example.com:8080"));
    RulePolicy any = policy(allow("example.com:*"));

    assertThat(allowed(defaults, connect("example.com", 80))).isTrue();
    assertThat(allowed(defaults, connect("example.com", 443))).isTrue();
    assertThat(allowed(defaults, connect("example.com", 22))).isFalse();
    assertThat(allowed(one, connect("example.com", 8080))).isTrue();
    assertThat(allowed(one, connect("example.com", 443))).isFalse();
    assertThat(allowed(any, connect("example.com", 22))).isTrue();
  }

  @Test
  void denyWinsOverAllowRegardlessOfOrder() {
    EgressRule allowAll = allow("*.example.com");
    EgressRule denyOne = deny("secret.example.com");
    EgressRequest request = connect("secret.example.com", 443);

    for (List<EgressRule> rules : List.of(List.of(allowAll, denyOne), List.of(denyOne, allowAll))) {
      assertThat(RulePolicy.of(rules).decide(request))
          .isEqualTo(
              new Denied(
                  "secret.example.com (--deny)",
                  "secret.example.com:443 is denied by rule \"secret.example.com\""));
    }
    assertThat(allowed(policy(allowAll, denyOne), connect("www.example.com", 443))).isTrue();
  }

  @Test
  void denyOnAnyPortWinsOverAllowOnOnePort() {
    RulePolicy policy = policy(allow("example.com:8080"), deny("example.com:*"));

    assertThat(allowed(policy, connect("example.com", 8080))).isFalse();
  }

  @Test
  void namesAnAllowRuleWithPrivateTargetsWhenOneApplies() {
    RulePolicy policy = policy(allow("git.internal"), allow("private:git.internal"));

    assertThat(policy.decide(connect("git.internal", 443)))
        .isEqualTo(new Allowed("private:git.internal (--allow)", true));
  }

  @Test
  void appliesMethodsAndPathsToPlainHttp() {
    RulePolicy policy = policy(allow("GET,HEAD pypi.org/simple"));

    assertThat(allowed(policy, http("GET", "pypi.org", "/simple"))).isTrue();
    assertThat(allowed(policy, http("HEAD", "pypi.org", "/simple/requests/"))).isTrue();
    assertThat(allowed(policy, http("get", "pypi.org", "/simple/requests/"))).isTrue();
    assertThat(allowed(policy, http("POST", "pypi.org", "/simple/requests/"))).isFalse();
    assertThat(allowed(policy, http("GET", "pypi.org", "/simplex"))).isFalse();
    assertThat(allowed(policy, http("GET", "pypi.org", "/legacy/"))).isFalse();
  }

  @Test
  void methodAndPathRulesNeverMatchTunnels() {
    EgressRequest tunnel = connect("pypi.org", 443);
    EgressRequest socks = EgressRequest.connect(SANDBOX, Protocol.SOCKS5, "pypi.org", 443);

    assertThat(allowed(policy(allow("GET pypi.org")), tunnel)).isFalse();
    assertThat(allowed(policy(allow("pypi.org/simple/")), socks)).isFalse();
    assertThat(allowed(policy(allow("pypi.org"), deny("POST pypi.org")), tunnel)).isTrue();
  }

  @Test
  void allowRulesWithPathsRefuseNonCanonicalPathsAndDenyRulesCatchThem() {
    RulePolicy allowOnly = policy(allow("example.com/public"));
    RulePolicy withDeny = policy(allow("example.com"), deny("example.com/admin"));

    assertThat(allowed(allowOnly, http("GET", "example.com", "/public/../admin"))).isFalse();
    assertThat(allowed(allowOnly, http("GET", "example.com", "/public/%2e%2e/admin"))).isFalse();
    assertThat(allowed(withDeny, http("GET", "example.com", "/x/../admin"))).isFalse();
    assertThat(allowed(withDeny, http("GET", "example.com", "/admin/users"))).isFalse();
    assertThat(allowed(withDeny, http("GET", "example.com", "/administrator"))).isTrue();
  }

  @Test
  void ipLiteralRequestsNeedARuleNamingTheAddress() {
    RulePolicy names = policy(allow("*.example.com"), allow("one.one"));
    RulePolicy ip = policy(allow("1.1.1.1"), allow("[2606:4700::1111]"));

    assertThat(allowed(names, connect("1.1.1.1", 443))).isFalse();
    assertThat(allowed(ip, connect("1.1.1.1", 443))).isTrue();
    assertThat(allowed(ip, connect("[2606:4700:0:0::1111]", 443))).isTrue();
    assertThat(allowed(ip, connect("2606:4700::1111", 443))).isTrue();
    assertThat(allowed(ip, connect("::ffff:1.1.1.1", 443))).isTrue();
    assertThat(allowed(ip, connect("1.1.1.2", 443))).isFalse();
  }

  @Test
  void numericNamesAreNeverMatchedAsNames() {
    RulePolicy policy = policy(allow("*.example.com"));

    assertThat(allowed(policy, connect("a.example.com.0x7f", 443))).isFalse();
  }

  @Test
  void explainsEveryRuleThatAppliesAndWhyTheDenyWon() {
    EgressRule bundle = EgressRule.parse("*.github.com", Action.ALLOW, "bundle github");
    EgressRule exact = allow("api.github.com");
    EgressRule denied = deny("api.github.com:443");
    EgressRule otherPort = allow("api.github.com:22");
    EgressRule unrelated = allow("pypi.org");
    RulePolicy policy = policy(bundle, exact, denied, otherPort, unrelated);
    EgressRequest request = connect("api.github.com", 443);

    PolicyExplanation explanation = policy.explain(request);

    assertThat(explanation.decision()).isEqualTo(policy.decide(request));
    assertThat(explanation.matched())
        .containsExactly(
            new RuleMatch(bundle, "host api.github.com matches *.github.com, port 443 in 80,443"),
            new RuleMatch(exact, "host api.github.com is api.github.com, port 443 in 80,443"),
            new RuleMatch(denied, "host api.github.com is api.github.com, port 443 in 443"));
    assertThat(explanation.nearMisses())
        .containsExactly(new RuleMatch(otherPort, "port 443 is not covered (the rule covers 22)"));
    assertThat(explanation.why())
        .isEqualTo("deny rules win over allow rules (2 allow rule(s) also apply)");
  }

  @Test
  void explainsWhyAMethodRuleDoesNotApplyToATunnel() {
    EgressRule rule = allow("GET pypi.org/simple/");

    PolicyExplanation explanation = policy(rule).explain(connect("pypi.org", 443));

    assertThat(explanation.decision()).isInstanceOf(Denied.class);
    assertThat(explanation.matched()).isEmpty();
    assertThat(explanation.nearMisses())
        .containsExactly(
            new RuleMatch(
                rule,
                "methods and paths apply to plain HTTP only: the gateway cannot see inside a"
                    + " CONNECT tunnel"));
    assertThat(explanation.why())
        .isEqualTo("no rule applies, and everything not allowed is denied");
  }

  @Test
  void explainsAMethodAndPathMatch() {
    EgressRule rule = allow("GET,HEAD pypi.org/simple/");

    PolicyExplanation explanation = policy(rule).explain(http("GET", "pypi.org", "/simple/x/"));

    assertThat(explanation.matched())
        .extracting(RuleMatch::reason)
        .containsExactly(
            "host pypi.org is pypi.org, port 80 in 80,443, method GET in GET,HEAD,"
                + " path /simple/x/ under /simple/");
    assertThat(explanation.why()).isEqualTo("an allow rule applies and no deny rule does");
  }

  @Test
  void keepsItsRulesImmutable() {
    List<EgressRule> rules = new ArrayList<>(List.of(allow("a.org")));
    RulePolicy policy = RulePolicy.of(rules);
    rules.clear();

    EgressDecision decision = policy.decide(connect("a.org", 443));
    assertThat(decision).isInstanceOf(Allowed.class);
  }
}
