package dev.corral.workspace;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The secret ruleset, loaded from {@code secret-rules.json} (data, not code, so that it can be read
 * and extended on its own). Immutable and thread-safe.
 */
final class SecretRules {
  /** The built-in ruleset. */
  static final SecretRules BUILT_IN = load("secret-rules.json");

  @JsonIgnoreProperties(ignoreUnknown = true)
  record RuleData(
      String id,
      String description,
      String severity,
      String regex,
      int group,
      List<String> keywords,
      double entropy,
      String allow) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record RuleFile(List<RuleData> rules) {}

  /** One compiled rule. */
  record Rule(
      String id,
      String description,
      Severity severity,
      Pattern pattern,
      int group,
      List<String> keywords,
      double entropy,
      Optional<Pattern> allow) {}

  /** One secret found on a line. */
  record Hit(Rule rule, String secret, int column) {}

  private final List<Rule> rules;

  private SecretRules(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  static SecretRules load(String resource) {
    try (InputStream in = SecretRules.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      RuleFile file = new ObjectMapper().readValue(in, RuleFile.class);
      return new SecretRules(file.rules().stream().map(SecretRules::compile).toList());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the secret ruleset " + resource, e);
    }
  }

  private static Rule compile(RuleData data) {
    return new Rule(
        data.id(),
        data.description(),
        Severity.valueOf(data.severity().toUpperCase(Locale.ROOT)),
        Pattern.compile(data.regex()),
        data.group(),
        List.copyOf(data.keywords()),
        data.entropy(),
        data.allow().isEmpty() ? Optional.empty() : Optional.of(Pattern.compile(data.allow())));
  }

  List<Rule> rules() {
    return rules;
  }

  /** The secrets on one line, at most one per rule. */
  List<Hit> scan(String line) {
    String lower = line.toLowerCase(Locale.ROOT);
    List<Hit> hits = new java.util.ArrayList<>();
    for (Rule rule : rules) {
      if (rule.keywords().stream().noneMatch(lower::contains)) {
        continue;
      }
      Matcher m = rule.pattern().matcher(line);
      while (m.find()) {
        String secret = m.group(rule.group());
        int start = m.start(rule.group());
        // Rules are ordered specific first: a generic rule does not report a secret again.
        boolean known =
            hits.stream()
                .anyMatch(h -> overlaps(h, start, start + (secret == null ? 0 : secret.length())));
        if (secret != null && !known && accepts(rule, secret)) {
          hits.add(new Hit(rule, secret, start + 1));
          break;
        }
      }
    }
    return hits;
  }

  private static boolean overlaps(Hit hit, int start, int end) {
    int hitStart = hit.column() - 1;
    return start < hitStart + hit.secret().length() && hitStart < end;
  }

  private static boolean accepts(Rule rule, String secret) {
    if (rule.entropy() > 0 && entropy(secret) < rule.entropy()) {
      return false;
    }
    return rule.allow().map(p -> !p.matcher(secret).find()).orElse(true);
  }

  /** Shannon entropy of {@code s} in bits per character. */
  static double entropy(String s) {
    if (s.isEmpty()) {
      return 0;
    }
    java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
    s.chars().forEach(c -> counts.merge(c, 1, Integer::sum));
    double bits = 0;
    for (int n : counts.values()) {
      double p = (double) n / s.length();
      bits -= p * (Math.log(p) / Math.log(2));
    }
    return bits;
  }

  /** The secret with all but its first four characters masked, for reports. */
  static String redact(String secret) {
    int keep = Math.min(4, secret.length() / 4);
    return secret.substring(0, keep) + "…(" + secret.length() + " chars)";
  }
}
