package dev.corral.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The secret ruleset: every rule's true positive, and look-alikes it must not report. */
class SecretRulesTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "private-key|-----BEGIN OPENSSH PRIVATE KEY-----",
        "private-key|-----BEGIN RSA PRIVATE KEY-----",
        "aws-access-key-id|key = AKIA4QZD7XN2MB5RTW3K",
        "aws-secret-access-key|aws_secret_access_key = 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",
        "github-token|token: ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
        "gitlab-token|GITLAB=glpat-x7Yq2Lm9Kp4Rt8Vw3Zs1",
        "slack-token|SLACK=xoxb-2415-8837-q8Kd3mZ0pL5rT7vX",
        "slack-webhook|url = https://hooks.slack.com/services/T0AB12CD3/B0EF45GH6/q8Kd3mZ0pL5rT7vXy2Wn",
        "anthropic-key|ANTHROPIC_API_KEY=sk-ant-api03-q8Kd3mZ0pL5rT7vXy2Wnq8Kd3mZ0pL5rT7vXy2Wnq8Kd3mZ0pL5rT7vXy2Wnq8Kd3mZ0pL5rT7vXy2Wn0AA",
        "openai-key|OPENAI_API_KEY=sk-proj-q8Kd3mZ0pL5rT7vXy2Wnq8Kd3mZ0pL5rT7vXy2WnAbC",
        "google-api-key|const key = 'AIzaSyD4q8Kd3mZ0pL5rT7vXy2Wnq8Kd3mZ0pL5';",
        "google-oauth-secret|secret: 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",
        "gcp-service-account|  \"type\": \"service_account\",",
        "stripe-key|STRIPE=sk_live_q8Kd3mZ0pL5rT7vXy2Wnq8Kd",
        "npm-token|//registry.npmjs.org/:_authToken=npm_q8Kd3mZ0pL5rT7vXy2Wnq8Kd3mZ0pL5rT7vX",
        "url-credentials|DATABASE_URL=postgres://app:Xy7q2Lm9Kp4R@db.internal:5432/app",
        "generic-quoted|client_secret = \"f3Zq8Kd3mZ0pL5rT7vXy\"",
        "generic-env|export DB_PASSWORD=Zq8Kd3mZ0pL5rT7vXy2W",
      })
  void findsSecret(String rule, String line) {
    assertThat(SecretRules.BUILT_IN.scan(line))
        .extracting(h -> h.rule().id())
        .containsExactly(rule);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
        "password = os.environ[\"DB_PASSWORD\"]",
        "api_key = \"${API_KEY}\"",
        "token = \"your_token_here_please\"",
        "secret_key = \"changeme\"",
        "PASSWORD_RESET_TIMEOUT = 3600",
        "tokenizer = AutoTokenizer.from_pretrained(name)",
        "DATABASE_URL=postgres://app:${DB_PASSWORD}@db/app",
        "String BEGIN = \"-----BEGIN PUBLIC KEY-----\";",
        "sha512-q8Kd3mZ0pL5rT7vXy2Wnq8Kd3mZ0pL5rT7vXy2Wn",
        "private_key_path = \"keys/deploy_key_file.pem\"",
        "\"integrity\": \"sha512-aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\"",
      })
  void ignoresLookAlike(String line) {
    assertThat(SecretRules.BUILT_IN.scan(line)).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void redactsAllButAShortPrefix() {
    assertThat(SecretRules.redact("AKIA4QZD7XN2MB5RTW3K")).isEqualTo("AKIA…(20 chars)");
  }
}
