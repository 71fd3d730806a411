package dev.corral.core;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The egress policy as users read and change it: {@code corral policy show|allow|deny|test} and
 * {@code corral egress log}. Implemented by the composition root on top of the egress gateway's
 * policy engine; the answers are plain records, so the CLI and the server render them without
 * knowing the engine. Rules are checked by the same parser the gateway uses. Thread-safe.
 */
public interface EgressAdmin {

  /** What a rule does. */
  enum Action {
    ALLOW,
    DENY;

    /** {@code "allow"} or {@code "deny"}, as configuration files and commands spell it. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The configuration file {@link #add} writes to. */
  enum Scope {
    /** The user's {@code ~/.config/corral/config.toml}. */
    USER,
    /** The workspace's {@code corral.toml}. */
    PROJECT
  }

  /**
   * One rule.
   *
   * @param action allow or deny
   * @param text the rule as written, e.g. {@code "pypi.org"} or {@code "@github"}
   * @param origin where it came from: a file path, {@code "bundle github"}, {@code "--allow"}
   * @param covers what it covers once parsed, e.g. {@code "ports 80,443"}; empty for a rule as
   *     written in its source (a bundle name covers several rules)
   */
  record Rule(Action action, String text, String origin, Optional<String> covers) {}

  /**
   * One source of rules, in precedence order.
   *
   * @param kind which layer
   * @param file the configuration file, for the user and project layers
   * @param exists whether that file exists
   * @param rules the source's rules as written, allow rules first
   */
  record Source(EgressRules.Kind kind, Optional<HostPath> file, boolean exists, List<Rule> rules) {
    public Source {
      rules = List.copyOf(rules);
    }
  }

  /**
   * The policy in force for a workspace (without any one run's {@code --allow}/{@code --deny}).
   *
   * @param workspace the workspace
   * @param sources every source, lowest precedence first
   * @param effective every rule with bundles expanded, in the order they decide: deny rules first
   *     (a deny rule wins over every allow rule), then allow rules; everything else is denied
   * @param warnings settings that were ignored, e.g. an untrusted project file's allow rules
   */
  record PolicyReport(
      HostPath workspace, List<Source> sources, List<Rule> effective, List<String> warnings) {
    public PolicyReport {
      sources = List.copyOf(sources);
      effective = List.copyOf(effective);
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * What {@link #add} did.
   *
   * @param file the file it wrote (or would have written)
   * @param rule the rule, in the file's {@code [network] allow} or {@code deny} array
   * @param changed false when the rule was already there, so nothing was written
   * @param created whether the file was created
   * @param notes further consequences worth saying, e.g. that the project file stays untrusted
   */
  record Change(HostPath file, Rule rule, boolean changed, boolean created, List<String> notes) {
    public Change {
      notes = List.copyOf(notes);
    }
  }

  /**
   * A rule considered by {@link #test}.
   *
   * @param rule the rule, bundles expanded
   * @param reason why it applies, or why it does not
   */
  record Consideration(Rule rule, String reason) {}

  /**
   * The answer of {@link #test}.
   *
   * @param request the request that was decided
   * @param decision the decision, naming the deciding rule and its origin
   * @param why why that rule won
   * @param matched every rule that applies
   * @param nearMisses rules for the same host that do not apply, with why not
   * @param warnings settings that were ignored, as in {@link PolicyReport#warnings()}
   */
  record Verdict(
      EgressRequest request,
      EgressDecision decision,
      String why,
      List<Consideration> matched,
      List<Consideration> nearMisses,
      List<String> warnings) {
    public Verdict {
      matched = List.copyOf(matched);
      nearMisses = List.copyOf(nearMisses);
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * The policy in force for {@code workspace}.
   *
   * @throws ConfigException when a configuration file or one of its rules is invalid
   */
  PolicyReport policy(HostPath workspace);

  /**
   * Adds {@code rule} to the {@code [network]} {@code allow} or {@code deny} array of a
   * configuration file, creating the file or table when missing and keeping the rest of the file,
   * comments included. The file is replaced atomically, and only after the result was checked.
   * Running sandboxes apply the change to new connections (hot reload).
   *
   * @param rule any rule text the gateway accepts, including {@code @bundle}
   * @throws UsageException when {@code rule} is invalid (nothing is written)
   * @throws ConfigException when the existing file is invalid (nothing is written)
   */
  Change add(HostPath workspace, Scope scope, Action action, String rule);

  /**
   * How the policy in force for {@code workspace} decides {@code request}.
   *
   * @throws ConfigException when a configuration file or one of its rules is invalid
   */
  Verdict test(HostPath workspace, EgressRequest request);

  /**
   * The audit log's files, oldest first, ending with the file being written. Each holds one JSON
   * object per line (see {@code docs/egress.md}); files that do not exist are left out, so the list
   * is empty before the first sandbox used the network.
   */
  List<HostPath> auditFiles();

  /** The file the gateway is writing now (which may not exist yet). */
  HostPath currentAuditFile();
}
