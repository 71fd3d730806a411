package dev.corral.server;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.corral.api.EgressChangeView;
import dev.corral.api.EgressLogView;
import dev.corral.api.EgressPolicyView;
import dev.corral.api.EgressRuleRequest;
import dev.corral.api.EgressRuleView;
import dev.corral.core.EgressAdmin;
import dev.corral.core.HostPath;
import dev.corral.core.UsageException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The egress endpoints: the audit log, the effective policy, and adding rules. */
final class EgressRoutes {
  private static final TypeReference<Map<String, Object>> RECORD = new TypeReference<>() {};

  private final EgressAdmin admin;
  private final HostPath defaultWorkspace;

  EgressRoutes(EgressAdmin admin, HostPath defaultWorkspace) {
    this.admin = admin;
    this.defaultWorkspace = defaultWorkspace;
  }

  void register(Routes routes) {
    routes.get("/api/v1/egress/log", this::log);
    routes.get(
        "/api/v1/egress/policy",
        ctx -> {
          HostPath workspace = workspace(ctx.queryParam("workspace"));
          EgressAdmin.PolicyReport report = admin.policy(workspace);
          CorralServer.json(
              ctx,
              200,
              new EgressPolicyView(
                  workspace.path().toString(),
                  report.effective().stream().map(EgressRoutes::view).toList(),
                  report.warnings()));
        });
    routes.post(
        "/api/v1/egress/policy",
        ctx -> {
          EgressRuleRequest request = Json.read(ctx.bodyAsBytes(), EgressRuleRequest.class);
          EgressAdmin.Change change =
              admin.add(
                  workspace(request.workspace()),
                  parse(EgressAdmin.Scope.class, request.scope(), "scope", "user or project"),
                  parse(EgressAdmin.Action.class, request.action(), "action", "allow or deny"),
                  required(request.rule()));
          CorralServer.json(
              ctx,
              200,
              new EgressChangeView(
                  change.file().path().toString(),
                  change.changed(),
                  change.created(),
                  change.notes()));
        });
  }

  /**
   * The last {@code limit} records (all files, oldest first); only denials with {@code denied},
   * only one sandbox's (a task's sandbox is named after the task) with {@code sandbox}.
   */
  private void log(Context ctx) {
    boolean denied = "true".equals(ctx.queryParam("denied"));
    String sandbox = ctx.queryParam("sandbox");
    String limitParam = ctx.queryParam("limit");
    int limit;
    try {
      limit = limitParam == null ? 1000 : Integer.parseInt(limitParam);
      if (limit < 1 || limit > 100_000) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new UsageException(
          "invalid query parameter limit='" + limitParam + "'", "give 1 to 100000");
    }
    // Newest first, and only as far back as the last `limit` records reach: a long audit log is
    // not read whole on every poll of a page.
    Deque<Map<String, Object>> last = new ArrayDeque<>();
    List<HostPath> files = admin.auditFiles();
    for (HostPath file : files.reversed()) {
      try {
        LinesBackward.read(
            file.path(),
            line -> {
              Map<String, Object> record;
              try {
                record = Json.MAPPER.readValue(line, RECORD);
              } catch (IOException e) {
                return true; // a line cut by a crash of the gateway
              }
              if ((denied && !"deny".equals(record.get("decision")))
                  || (sandbox != null && !sandbox.equals(record.get("sandbox")))) {
                return true;
              }
              last.addFirst(record);
              return last.size() < limit;
            });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (last.size() >= limit) {
        break;
      }
    }
    CorralServer.json(ctx, 200, new EgressLogView(new ArrayList<>(last)));
  }

  private HostPath workspace(@org.jspecify.annotations.Nullable String path) {
    if (path == null || path.isBlank()) {
      return defaultWorkspace;
    }
    if (!Path.of(path).isAbsolute()) {
      throw new UsageException("workspace '" + path + "' is not an absolute path", null);
    }
    return HostPath.of(path);
  }

  private static <E extends Enum<E>> E parse(
      Class<E> type,
      @org.jspecify.annotations.Nullable String value,
      String field,
      String allowed) {
    if (value != null) {
      for (E constant : type.getEnumConstants()) {
        if (constant.name().toLowerCase(Locale.ROOT).equals(value)) {
          return constant;
        }
      }
    }
    throw new UsageException(
        "invalid value for field '"
            + field
            + "': "
            + (value == null ? "missing" : "'" + value + "'"),
        "use " + allowed);
  }

  @SuppressWarnings("NullAway") // Jackson leaves a missing field null
  private static String required(@org.jspecify.annotations.Nullable String rule) {
    if (rule == null || rule.isBlank()) {
      throw new UsageException("missing field 'rule' in the request body", "e.g. pypi.org or @npm");
    }
    return rule;
  }

  private static EgressRuleView view(EgressAdmin.Rule rule) {
    return new EgressRuleView(
        rule.action().word(), rule.text(), rule.origin(), rule.covers().orElse(null));
  }
}
