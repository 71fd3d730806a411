package dev.corral.app;

import dev.corral.core.AgentCatalog;
import dev.corral.core.ConfigException;
import dev.corral.core.EgressRules;
import dev.corral.core.HostPath;
import dev.corral.core.Mount;
import dev.corral.core.ResourceLimits;
import dev.corral.core.ReviewLlm;
import dev.corral.core.UsageException;
import dev.corral.workspace.LlmSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/** Reads one configuration file into a {@link ConfigBuilder}, checking every key and type. */
final class TomlConfigFile {
  private static final String TOP_KEYS =
      "valid top-level keys: backend, timeout, [network], [limits], [env], [filesystem],"
          + " [agents.NAME], [workspace], [review.llm], [approvals]";
  private static final String WORKSPACE_KEYS = "valid keys in [workspace]: mode";
  private static final String REVIEW_KEYS = "valid keys in [review]: [review.llm]";
  private static final String LLM_KEYS =
      "valid keys in [review.llm]: api, url, model, key_env, key_file";
  private static final String NETWORK_KEYS =
      "valid keys in [network]: mode, allow, deny, resolve, ask, ask_hold";
  private static final String LIMIT_KEYS =
      "valid keys in [limits]: memory, pids, cpus, cpu_time, file_size, open_files";
  private static final String FILESYSTEM_KEYS = "valid keys in [filesystem]: hide, mounts";
  private static final Map<String, String> EXAMPLES =
      Map.ofEntries(
          Map.entry("backend", "backend = \"native\""),
          Map.entry("network", "[network]"),
          Map.entry("network.mode", "mode = \"gateway\""),
          Map.entry("network.allow", "allow = [\"@github\", \"pypi.org\"]"),
          Map.entry("network.deny", "deny = [\"*.example.com\"]"),
          Map.entry("network.resolve", "resolve = [\"git.internal=10.1.2.3\"]"),
          Map.entry("network.ask", "ask = true"),
          Map.entry("network.ask_hold", "ask_hold = \"60s\""),
          Map.entry("timeout", "timeout = \"2h\""),
          Map.entry("limits", "[limits]"),
          Map.entry("env", "[env]"),
          Map.entry("filesystem", "[filesystem]"),
          Map.entry("workspace", "[workspace]"),
          Map.entry("workspace.mode", "mode = \"clone\""),
          Map.entry("limits.memory", "memory = \"4g\""),
          Map.entry("limits.pids", "pids = 1024"),
          Map.entry("limits.cpus", "cpus = 2.0"),
          Map.entry("limits.cpu_time", "cpu_time = \"8h\""),
          Map.entry("limits.file_size", "file_size = \"16g\""),
          Map.entry("limits.open_files", "open_files = 4096"),
          Map.entry("filesystem.hide", "hide = [\"~/secrets\"]"),
          Map.entry("filesystem.mounts", "mounts = [\"~/.m2:ro\", \"~/.cache/pip:rw\"]"));

  private final Path file;
  private final TomlParseResult toml;
  private final ConfigBuilder into;

  private TomlConfigFile(Path file, TomlParseResult toml, ConfigBuilder into) {
    this.file = file;
    this.toml = toml;
    this.into = into;
  }

  /** Reads {@code file} into {@code into}; later files override earlier ones. */
  static void read(Path file, ConfigBuilder into) {
    String content;
    try {
      content = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read " + file + ": " + e.getMessage(), "check the file's permissions", e);
    }
    read(file, content, into);
  }

  /** Reads {@code content}, the content of {@code file}, into {@code into}. */
  static void read(Path file, String content, ConfigBuilder into) {
    TomlParseResult toml = Toml.parse(content);
    if (toml.hasErrors()) {
      TomlParseError error = toml.errors().getFirst();
      TomlPosition at = error.position();
      throw new ConfigException(
          file + ":" + at.line() + ":" + at.column() + ": " + error.getMessage(),
          "fix the TOML syntax (https://toml.io)");
    }
    new TomlConfigFile(file, toml, into).readTop();
  }

  private void readTop() {
    for (String key : toml.keySet()) {
      List<String> path = List.of(key);
      switch (key) {
        case "backend" -> into.backend = string(path);
        case "network" -> readNetwork(table(path).keySet(), key);
        case "timeout" ->
            into.timeout = checked(path, () -> ResourceLimits.parseDuration(string(path)));
        case "limits" -> table(path).keySet().forEach(k -> readLimit(List.of(key, k)));
        case "env" -> table(path).keySet().forEach(k -> readEnv(List.of(key, k)));
        case "filesystem" -> table(path).keySet().forEach(k -> readFilesystem(List.of(key, k)));
        case "agents" -> readAgents(path);
        case "workspace" -> table(path).keySet().forEach(k -> readWorkspace(List.of(key, k)));
        case "review" -> readReview(path);
        case "approvals" -> {
          // Read by `corral server` from the user's file only (see ApprovalConfig): a checked-in
          // file must not make the server run a command. Said so, rather than silently ignored.
          if (into.kind != EgressRules.Kind.USER) {
            throw problem(
                path,
                "[approvals] is allowed only in your own configuration, not in a project's"
                    + " corral.toml",
                "move it to ~/.config/corral/config.toml");
          }
        }
        default -> throw unknown(path, TOP_KEYS);
      }
    }
  }

  private void readLimit(List<String> path) {
    var l = into.limits;
    into.limits =
        checked(
            path,
            () ->
                switch (path.get(1)) {
                  case "memory" -> l.withMemoryBytes(size(path));
                  case "pids" -> l.withPids(Math.toIntExact(integer(path)));
                  case "cpus" -> l.withCpus(number(path));
                  case "cpu_time" -> l.withCpuTime(ResourceLimits.parseDuration(string(path)));
                  case "file_size" -> l.withFileSizeBytes(size(path));
                  case "open_files" -> l.withOpenFiles(Math.toIntExact(integer(path)));
                  default -> throw unknown(path, LIMIT_KEYS);
                });
  }

  /** {@code [network]}: the mode, and this file's egress rules as one layer. */
  private void readNetwork(java.util.Set<String> keys, String key) {
    List<String> allow = new java.util.ArrayList<>();
    List<String> deny = new java.util.ArrayList<>();
    Map<String, String> resolve = new java.util.LinkedHashMap<>();
    for (String k : keys) {
      List<String> path = List.of(key, k);
      switch (k) {
        case "mode" -> {
          String mode = string(path);
          if (!mode.equals("none") && !mode.equals("gateway")) {
            throw problem(
                path, "invalid network mode '" + mode + "'", "use \"none\" or \"gateway\"");
          }
          into.network = mode;
        }
        case "allow" -> each(path, (text, at) -> allow.add(text));
        case "deny" -> each(path, (text, at) -> deny.add(text));
        case "resolve" ->
            each(
                path,
                (text, at) -> {
                  int eq = text.indexOf('=');
                  if (eq <= 0 || eq == text.length() - 1) {
                    throw problem(
                        path, "invalid resolve entry '" + text + "'", "write HOST=ADDRESS");
                  }
                  resolve.put(text.substring(0, eq), text.substring(eq + 1));
                });
        case "ask" -> {
          boolean on = bool(path);
          if (into.untrusted && on) {
            // Ask mode lets the agent ask for hosts: a widening only a trusted file may choose.
            into.ignored.add("[network] ask");
          } else {
            into.ask = on;
          }
        }
        case "ask_hold" ->
            into.askHold =
                checked(
                    path,
                    () -> {
                      java.time.Duration hold = ResourceLimits.parseDuration(string(path));
                      if (hold.isZero()) {
                        throw new UsageException(
                            "invalid ask hold time '" + string(path) + "': must be positive");
                      }
                      return hold;
                    });
        default -> throw unknown(path, NETWORK_KEYS);
      }
    }
    if (into.untrusted) {
      // Allow rules and resolver overrides widen the sandbox; deny rules only narrow it.
      if (!allow.isEmpty()) {
        into.ignored.add("[network] allow");
        allow.clear();
      }
      if (!resolve.isEmpty()) {
        into.ignored.add("[network] resolve");
        resolve.clear();
      }
    }
    into.resolve.putAll(resolve);
    into.egress.add(new EgressRules.Layer(file.toString(), into.kind, allow, deny));
  }

  /**
   * {@code [agents.NAME]}: only in the user's file, because a preset names the command that runs,
   * the hosts it may reach and the host paths it binds.
   */
  private void readAgents(List<String> path) {
    if (into.kind != EgressRules.Kind.USER) {
      throw problem(
          path,
          "[agents] is allowed only in your own configuration, not in a project's corral.toml",
          "move it to ~/.config/corral/config.toml");
    }
    into.agents.putAll(
        AgentTables.read(file.toString(), toml, path, new AgentCatalog(Map.copyOf(into.agents))));
  }

  /**
   * {@code [workspace] mode}: {@code mount} or {@code clone}. Mount mode exposes the user's own
   * repository, so an untrusted project file cannot choose it.
   */
  private void readWorkspace(List<String> path) {
    if (!path.get(1).equals("mode")) {
      throw unknown(path, WORKSPACE_KEYS);
    }
    String mode = string(path);
    if (!mode.equals("mount") && !mode.equals("clone")) {
      throw problem(path, "invalid workspace mode '" + mode + "'", "use \"mount\" or \"clone\"");
    }
    if (into.untrusted && mode.equals("mount")) {
      into.ignored.add("[workspace] mode");
    } else {
      into.workspaceMode = mode;
    }
  }

  /**
   * {@code [review.llm]}: only in the user's file, because it names where diffs are sent and where
   * the API key is read. Checked now, so a typo fails at load and not mid-review.
   */
  private void readReview(List<String> path) {
    for (String k : table(path).keySet()) {
      if (!k.equals("llm")) {
        throw unknown(List.of("review", k), REVIEW_KEYS);
      }
    }
    List<String> llm = List.of("review", "llm");
    if (into.kind != EgressRules.Kind.USER) {
      throw problem(
          llm,
          "[review.llm] is allowed only in your own configuration, not in a project's corral.toml",
          "move it to ~/.config/corral/config.toml");
    }
    Map<String, String> values = new java.util.HashMap<>();
    for (String k : table(llm).keySet()) {
      List<String> key = List.of("review", "llm", k);
      switch (k) {
        case "api", "url", "model", "key_env" -> values.put(k, string(key));
        case "key_file" -> values.put(k, path(string(key)).toString());
        default -> throw unknown(key, LLM_KEYS);
      }
    }
    ReviewLlm value =
        new ReviewLlm(
            values.getOrDefault("api", ""),
            values.getOrDefault("url", ""),
            values.getOrDefault("model", ""),
            values.getOrDefault("key_env", ""),
            values.getOrDefault("key_file", ""));
    try {
      LlmSettings.of(value.api(), value.url(), value.model(), value.keyEnv(), value.keyFile());
    } catch (ConfigException e) {
      throw problem(llm, String.valueOf(e.getMessage()), e.hint().orElse(null));
    }
    into.reviewLlm = value;
  }

  private void readEnv(List<String> path) {
    String name = path.get(1);
    if (name.isEmpty() || name.contains("=") || name.contains("\0")) {
      throw problem(path, "invalid environment variable name '" + name + "'", null);
    }
    into.env.put(name, string(path));
  }

  private void readFilesystem(List<String> path) {
    switch (path.get(1)) {
      case "hide" -> each(path, (text, at) -> into.hidden.add(checked(at, () -> path(text))));
      case "mounts" -> {
        List<Mount> mounts = new java.util.ArrayList<>();
        each(path, (text, at) -> mounts.add(checked(at, () -> Mount.parse(anchored(text)))));
        if (into.untrusted && !mounts.isEmpty()) {
          into.ignored.add("[filesystem] mounts");
        } else {
          into.mounts.addAll(mounts);
        }
      }
      default -> throw unknown(path, FILESYSTEM_KEYS);
    }
  }

  /** Where a value was found: the key and, for array elements, its position. */
  private record Location(List<String> path, @Nullable TomlPosition position) {}

  private interface Element {
    void accept(String text, Location at);
  }

  private void each(List<String> path, Element action) {
    Object value = toml.get(path);
    if (!(value instanceof TomlArray array)) {
      throw wrongType(path, "an array of strings", value);
    }
    // tomlj's positions of array elements are unreliable; name the key's line instead.
    Location at = new Location(path, toml.inputPositionOf(path));
    for (int i = 0; i < array.size(); i++) {
      if (!(array.get(i) instanceof String text)) {
        throw problem(at, "'" + key(path) + "' must contain strings only", hint(path));
      }
      action.accept(text, at);
    }
  }

  private HostPath path(String text) {
    return HostPath.expand(anchored(text));
  }

  /** Relative paths are relative to the directory of the file that names them. */
  private String anchored(String text) {
    return text.startsWith("/") || text.startsWith("~")
        ? text
        : file.toAbsolutePath().resolveSibling(text).toString();
  }

  private <T> T checked(List<String> path, Supplier<T> parse) {
    return checked(new Location(path, toml.inputPositionOf(path)), parse);
  }

  private <T> T checked(Location at, Supplier<T> parse) {
    try {
      return parse.get();
    } catch (UsageException e) {
      throw problem(at, key(at.path()) + ": " + e.getMessage(), e.hint().orElse(hint(at.path())));
    } catch (ArithmeticException e) {
      throw problem(at, key(at.path()) + ": value is too large", hint(at.path()));
    }
  }

  private TomlTable table(List<String> path) {
    if (toml.get(path) instanceof TomlTable t) {
      return t;
    }
    throw wrongType(path, "a table");
  }

  private String string(List<String> path) {
    if (toml.get(path) instanceof String s) {
      return s;
    }
    throw wrongType(path, "a string");
  }

  private boolean bool(List<String> path) {
    if (toml.get(path) instanceof Boolean b) {
      return b;
    }
    throw wrongType(path, "true or false");
  }

  private long integer(List<String> path) {
    if (toml.get(path) instanceof Long n) {
      return n;
    }
    throw wrongType(path, "an integer");
  }

  private double number(List<String> path) {
    return switch (toml.get(path)) {
      case Long n -> n;
      case Double d -> d;
      case null, default -> throw wrongType(path, "a number");
    };
  }

  /** A size is a string with a unit ({@code "4g"}) or a plain number of bytes. */
  private long size(List<String> path) {
    return toml.get(path) instanceof Long n ? n : ResourceLimits.parseSize(string(path));
  }

  private ConfigException wrongType(List<String> path, String expected) {
    return wrongType(path, expected, toml.get(path));
  }

  private ConfigException wrongType(List<String> path, String expected, @Nullable Object actual) {
    return problem(
        path,
        "'" + key(path) + "' must be " + expected + ", not " + TomlTypes.describe(actual),
        hint(path));
  }

  private ConfigException unknown(List<String> path, String validKeys) {
    return problem(path, "unknown key '" + key(path) + "'", validKeys);
  }

  private ConfigException problem(List<String> path, String message, @Nullable String hint) {
    return problem(new Location(path, toml.inputPositionOf(path)), message, hint);
  }

  private ConfigException problem(Location at, String message, @Nullable String hint) {
    TomlPosition position = at.position();
    String where = position == null ? file.toString() : file + ":" + position.line();
    return new ConfigException(where + ": " + message, hint);
  }

  private static @Nullable String hint(List<String> path) {
    String example = EXAMPLES.get(key(path));
    if (example == null && path.getFirst().equals("env")) {
      example = "NAME = \"value\"";
    }
    return example == null ? null : "write it like: " + example;
  }

  private static String key(List<String> path) {
    return String.join(".", path);
  }
}
