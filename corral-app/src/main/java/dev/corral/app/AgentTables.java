package dev.corral.app;

import dev.corral.core.AgentCatalog;
import dev.corral.core.AgentPreset;
import dev.corral.core.ConfigException;
import dev.corral.core.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

/**
 * Reads agent presets from TOML: Corral's own catalog ({@code agents.toml}, one table per agent)
 * and the user's {@code [agents.NAME]} tables, which change a built-in preset key by key or add a
 * new one. Every unknown key, wrong type and bad value is a {@link ConfigException} naming the
 * file, line and key.
 */
final class AgentTables {
  /** The built-in catalog, a resource next to this class. */
  static final String RESOURCE = "agents.toml";

  private static final String KEYS =
      "valid keys in an agent: description, command, yolo, login, prompt, network, model_hosts, state,"
          + " protect, env, pass_env, docs, install";
  private static final String INSTALL_KEYS = "valid keys in install: hint, docker, native";

  private final String file;
  private final TomlParseResult toml;

  private AgentTables(String file, TomlParseResult toml) {
    this.file = file;
    this.toml = toml;
  }

  /** Corral's built-in catalog. */
  static AgentCatalog builtIn() {
    try (InputStream in = AgentTables.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      TomlParseResult toml = Toml.parse(text);
      if (toml.hasErrors()) {
        throw new IllegalStateException(RESOURCE + ": " + toml.errors().getFirst());
      }
      AgentTables tables = new AgentTables(RESOURCE + " (built in)", toml);
      List<AgentPreset> presets = new ArrayList<>();
      for (String name : toml.keySet()) {
        presets.add(tables.preset(List.of(name), null));
      }
      return AgentCatalog.of(presets);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The presets of the {@code [agents]} table at {@code path} in {@code toml}, each on top of the
   * preset of the same name in {@code base} when there is one.
   */
  static Map<String, AgentPreset> read(
      String file, TomlParseResult toml, List<String> path, AgentCatalog base) {
    AgentTables tables = new AgentTables(file, toml);
    TomlTable agents = tables.table(path);
    Map<String, AgentPreset> presets = new LinkedHashMap<>();
    for (String name : agents.keySet()) {
      List<String> at = append(path, name);
      presets.put(name, tables.preset(at, base.find(name).orElse(null)));
    }
    return presets;
  }

  private AgentPreset preset(List<String> path, @Nullable AgentPreset base) {
    String name = path.getLast();
    TomlTable table = table(path);
    if (base == null && !table.contains("command")) {
      throw problem(
          path,
          "agent '" + name + "' is not a built-in preset, so it needs a command",
          "write it like: command = [\"my-agent\", \"--flag\"]");
    }
    var p = new Fields(base, name);
    for (String key : table.keySet()) {
      List<String> at = append(path, key);
      switch (key) {
        case "description" -> p.description = string(at);
        case "command" -> p.command = strings(at);
        case "yolo" -> p.yolo = strings(at);
        case "login" -> p.login = strings(at);
        case "prompt" -> p.prompt = strings(at);
        case "network" -> p.network = strings(at);
        case "model_hosts" -> p.modelHosts = strings(at);
        case "state" -> p.state = strings(at);
        case "protect" -> p.protect = strings(at);
        case "pass_env" -> p.passEnv = strings(at);
        case "docs" -> p.docs = string(at);
        case "env" -> p.env = env(at, p.env);
        case "install" -> p.install = install(at, p.install);
        default -> throw problem(at, "unknown key '" + key(at) + "'", KEYS);
      }
    }
    try {
      return p.build();
    } catch (UsageException e) {
      throw problem(path, key(path) + ": " + e.getMessage(), e.hint().orElse(null));
    }
  }

  private Map<String, String> env(List<String> path, Map<String, String> base) {
    Map<String, String> env = new LinkedHashMap<>(base);
    for (String name : table(path).keySet()) {
      List<String> at = append(path, name);
      if (name.isEmpty() || name.contains("=") || name.contains("\0")) {
        throw problem(at, "invalid environment variable name '" + name + "'", null);
      }
      env.put(name, string(at));
    }
    return env;
  }

  private AgentPreset.Install install(List<String> path, AgentPreset.Install base) {
    String hint = base.hint();
    List<String> docker = base.docker();
    List<String> nativePaths = base.nativePaths();
    for (String key : table(path).keySet()) {
      List<String> at = append(path, key);
      switch (key) {
        case "hint" -> hint = string(at);
        case "docker" -> docker = strings(at);
        case "native" -> nativePaths = strings(at);
        default -> throw problem(at, "unknown key '" + key(at) + "'", INSTALL_KEYS);
      }
    }
    return new AgentPreset.Install(hint, docker, nativePaths);
  }

  /** A preset's values while its table is read, starting from the preset it changes. */
  private static final class Fields {
    final String name;
    String description = "";
    List<String> command = List.of();
    List<String> yolo = List.of();
    List<String> login = List.of();
    List<String> prompt = List.of();
    List<String> network = List.of();
    List<String> modelHosts = List.of();
    List<String> state = List.of();
    List<String> protect = List.of();
    List<String> passEnv = List.of();
    Map<String, String> env = Map.of();
    String docs = "";
    AgentPreset.Install install = AgentPreset.Install.NONE;

    Fields(@Nullable AgentPreset base, String name) {
      this.name = name;
      if (base != null) {
        description = base.description();
        command = base.command();
        yolo = base.yolo();
        login = base.login();
        prompt = base.prompt();
        network = base.network();
        modelHosts = base.modelHosts();
        state = base.state();
        protect = base.protect();
        passEnv = base.passEnv();
        env = base.env();
        docs = base.docs();
        install = base.install();
      }
    }

    AgentPreset build() {
      return new AgentPreset(
          name,
          description,
          command,
          yolo,
          login,
          prompt,
          install,
          network,
          modelHosts,
          state,
          protect,
          env,
          passEnv,
          docs);
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

  private List<String> strings(List<String> path) {
    if (!(toml.get(path) instanceof TomlArray array)) {
      throw wrongType(path, "an array of strings");
    }
    List<String> values = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.get(i) instanceof String text)) {
        throw problem(path, "'" + key(path) + "' must contain strings only", null);
      }
      values.add(text);
    }
    return values;
  }

  private ConfigException wrongType(List<String> path, String expected) {
    return problem(
        path,
        "'" + key(path) + "' must be " + expected + ", not " + TomlTypes.describe(toml.get(path)),
        "see docs/agents.md for the keys of a preset");
  }

  private ConfigException problem(List<String> path, String message, @Nullable String hint) {
    TomlPosition position = toml.inputPositionOf(path);
    String where = position == null ? file : file + ":" + position.line();
    return new ConfigException(where + ": " + message, hint);
  }

  private static List<String> append(List<String> path, String key) {
    List<String> result = new ArrayList<>(path);
    result.add(key);
    return List.copyOf(result);
  }

  private static String key(List<String> path) {
    return String.join(".", path);
  }
}
