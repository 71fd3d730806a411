package dev.corral.app;

import dev.corral.core.ApprovalAnswer;
import dev.corral.core.ApprovalGate;
import dev.corral.core.CorralDirs;
import dev.corral.core.CorralException;
import dev.corral.core.EgressAdmin;
import dev.corral.core.EgressDecision;
import dev.corral.core.EgressPort;
import dev.corral.core.EgressRecord;
import dev.corral.core.EgressRules;
import dev.corral.core.HostPath;
import dev.corral.core.SandboxException;
import dev.corral.core.SandboxId;
import dev.corral.egress.AddressCheck;
import dev.corral.egress.AddressGuard;
import dev.corral.egress.AskMode;
import dev.corral.egress.AuditSink;
import dev.corral.egress.EgressGateway;
import dev.corral.egress.GatewaySettings;
import dev.corral.egress.JsonLinesAudit;
import dev.corral.egress.Listener;
import dev.corral.egress.OverrideResolver;
import dev.corral.egress.Policy;
import dev.corral.egress.PolicySources;
import dev.corral.egress.Resolver;
import dev.corral.egress.ServiceCatalog;
import dev.corral.egress.SystemResolver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The engine's {@link EgressPort}, backed by one {@link EgressGateway} for the whole process,
 * started on first use. Each sandbox gets a listener on {@code <runtime>/egress/<name>.sock} whose
 * policy is compiled from the sandbox's rules and reloaded, for new connections, when one of the
 * configuration files it came from changes (an invalid edit keeps the last good policy).
 * Thread-safe.
 */
final class GatewayEgress implements EgressPort, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(GatewayEgress.class.getName());

  private final CorralDirs dirs;
  private final TomlConfigSource config;
  private final ApprovalGate approvals;
  private final AddressGuard guard;
  private final Map<String, List<InetAddress>> overrides = new ConcurrentHashMap<>();
  private final Map<SandboxId, Set<String>> denied = new ConcurrentHashMap<>();
  private @Nullable EgressGateway gateway;
  private @Nullable JsonLinesAudit audit;
  private @Nullable ServiceCatalog catalog;

  /** A gateway without an approver: ask mode fails closed, saying so. */
  GatewayEgress(CorralDirs dirs, TomlConfigSource config) {
    this(dirs, config, ApprovalGate.DENY);
  }

  /** A gateway whose sandboxes in ask mode open approvals through {@code approvals}. */
  GatewayEgress(CorralDirs dirs, TomlConfigSource config, ApprovalGate approvals) {
    this(dirs, config, approvals, AddressCheck::refusal);
  }

  /**
   * As {@link #GatewayEgress(CorralDirs, TomlConfigSource, ApprovalGate)} with {@code guard}
   * vetting resolved addresses (tests let one 127.0.0.x address stand in for a public host).
   */
  GatewayEgress(
      CorralDirs dirs, TomlConfigSource config, ApprovalGate approvals, AddressGuard guard) {
    this.dirs = dirs;
    this.config = config;
    this.approvals = approvals;
    this.guard = guard;
  }

  /**
   * Adds resolver overrides ({@code host -> address}) for every sandbox of this process, as the
   * {@code [network] resolve} of a sandbox's rules does.
   */
  void resolve(Map<String, String> hosts) {
    addOverrides(new EgressRules(List.of(), hosts));
  }

  @Override
  public Lease open(SandboxId id, HostPath workspace, EgressRules rules) {
    ReloadingPolicy policy =
        new ReloadingPolicy(
            compile(rules),
            rules,
            config.files(workspace),
            reloaded -> compile(reload(reloaded, workspace)));
    addOverrides(rules);
    Path dir = dirs.runtime().path().resolve("egress");
    Path socket = dir.resolve(id.value() + ".sock");
    Listener listener;
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(socket);
      listener = gateway().open(id, socket, policy, askMode(rules, workspace));
    } catch (IOException e) {
      throw new SandboxException(
          "cannot open the egress listener " + socket + ": " + e.getMessage(), null, e);
    }
    Set<String> hosts =
        denied.computeIfAbsent(id, k -> Collections.synchronizedSet(new LinkedHashSet<>()));
    return new Lease() {
      @Override
      public HostPath socket() {
        return HostPath.of(socket);
      }

      @Override
      public List<String> deniedHosts() {
        synchronized (hosts) {
          return List.copyOf(hosts);
        }
      }

      @Override
      public void close() {
        listener.close();
        denied.remove(id);
        try {
          Files.deleteIfExists(socket);
        } catch (IOException e) {
          LOG.log(System.Logger.Level.WARNING, "cannot remove " + socket, e);
        }
      }
    };
  }

  /**
   * The listener's ask mode: "allow always" answers for the project or everywhere go into the
   * workspace's {@code corral.toml} or the user's configuration file, through the same editor as
   * {@code corral policy allow}.
   */
  private AskMode askMode(EgressRules rules, HostPath workspace) {
    if (rules.ask().isEmpty()) {
      return AskMode.OFF;
    }
    return new AskMode.Ask(
        rules.ask().get(),
        (rule, scope) -> {
          if (scope == ApprovalAnswer.Scope.SANDBOX) {
            return; // kept in the listener's memory, never written
          }
          EgressAdmin.Scope file =
              scope == ApprovalAnswer.Scope.PROJECT
                  ? EgressAdmin.Scope.PROJECT
                  : EgressAdmin.Scope.USER;
          new ConfigEgressAdmin(dirs, config, this)
              .add(workspace, file, EgressAdmin.Action.ALLOW, rule);
        });
  }

  /** Compiles rules; bad rules throw a {@link CorralException} naming the rule and its file. */
  Policy compile(EgressRules rules) {
    return sources(rules).policy();
  }

  /** The rules by source; bad rules throw a {@link CorralException} naming the rule and file. */
  PolicySources sources(EgressRules rules) {
    Layers agents = new Layers();
    Layers user = new Layers();
    Layers project = new Layers();
    Layers commandLine = new Layers();
    for (EgressRules.Layer layer : rules.layers()) {
      switch (layer.kind()) {
        case AGENT -> agents.add(layer);
        case USER -> user.add(layer);
        case PROJECT -> project.add(layer);
        case COMMAND_LINE -> commandLine.add(layer);
      }
    }
    return PolicySources.of(catalog())
        .withAgentRules(agents.origin.isEmpty() ? "agent" : agents.origin, agents.allow)
        .withUserConfig(user.origin, user.allow, user.deny)
        .withProject(project.origin, project.allow, project.deny)
        .withCommandLine(commandLine.allow, commandLine.deny);
  }

  /** Reloads {@code rules}' configuration layers from the files; the command line stays. */
  EgressRules reload(EgressRules rules, HostPath workspace) {
    List<EgressRules.Layer> layers = new ArrayList<>(config.load(workspace).egress().layers());
    rules.layers().stream()
        .filter(
            l -> l.kind() == EgressRules.Kind.COMMAND_LINE || l.kind() == EgressRules.Kind.AGENT)
        .forEach(layers::add);
    return new EgressRules(layers, rules.resolve(), rules.ask());
  }

  private static final class Layers {
    String origin = "";
    final List<String> allow = new ArrayList<>();
    final List<String> deny = new ArrayList<>();

    void add(EgressRules.Layer layer) {
      origin = origin.isEmpty() ? layer.origin() : origin + ", " + layer.origin();
      allow.addAll(layer.allow());
      deny.addAll(layer.deny());
    }
  }

  private void addOverrides(EgressRules rules) {
    List<String> entries =
        rules.resolve().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    if (!entries.isEmpty()) {
      OverrideResolver parsed = OverrideResolver.parse(entries, new SystemResolver());
      for (String host : rules.resolve().keySet()) {
        try {
          overrides.put(host.toLowerCase(java.util.Locale.ROOT), parsed.resolve(host));
        } catch (UnknownHostException e) {
          throw new dev.corral.core.ConfigException(
              "[network] resolve: cannot parse the address for " + host, "write HOST=ADDRESS", e);
        }
      }
    }
  }

  synchronized ServiceCatalog catalog() {
    if (catalog == null) {
      catalog = ServiceCatalog.load();
    }
    return catalog;
  }

  private synchronized EgressGateway gateway() {
    if (gateway == null) {
      audit = JsonLinesAudit.open(dirs.state().path().resolve("egress"));
      JsonLinesAudit log = audit;
      AuditSink sink =
          record -> {
            log.record(record);
            noteDenied(record);
          };
      Resolver resolver = new OverrideResolver(overrides, new SystemResolver());
      gateway = EgressGateway.start(resolver, guard, sink, GatewaySettings.defaults(), approvals);
    }
    return gateway;
  }

  private void noteDenied(EgressRecord record) {
    if (record.decision() instanceof EgressDecision.Denied) {
      Set<String> hosts = denied.get(record.request().sandbox());
      if (hosts != null) {
        hosts.add(record.request().host() + ":" + record.request().port());
      }
    }
  }

  @Override
  public synchronized void close() {
    if (gateway != null) {
      gateway.close();
    }
    if (audit != null) {
      audit.close();
    }
  }
}
