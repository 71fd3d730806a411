package dev.corral.workspace;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/** Reduces {@code Cargo.toml} and {@code pyproject.toml} to a {@link Manifest}. */
final class TomlManifests {
  private TomlManifests() {}

  private static TomlParseResult parse(String text) {
    TomlParseResult toml = Toml.parse(text);
    if (toml.hasErrors()) {
      throw new IllegalArgumentException("not valid TOML: " + toml.errors().getFirst());
    }
    return toml;
  }

  static Manifest cargo(String text) {
    TomlParseResult toml = parse(text);
    Map<String, String> deps = new HashMap<>();
    Set<String> registries = new HashSet<>();
    for (String section : List.of("dependencies", "dev-dependencies", "build-dependencies")) {
      cargoDeps(toml.getTable(section), deps, registries);
      TomlTable workspace = toml.getTable("workspace");
      if (workspace != null) {
        cargoDeps(workspace.getTable(section), deps, registries);
      }
    }
    TomlTable targets = toml.getTable("target");
    if (targets != null) {
      for (String target : targets.keySet()) {
        if (targets.get(List.of(target)) instanceof TomlTable t) {
          for (String section : List.of("dependencies", "dev-dependencies", "build-dependencies")) {
            cargoDeps(t.getTable(section), deps, registries);
          }
        }
      }
    }
    for (String table : List.of("registries", "source")) {
      TomlTable named = toml.getTable(table);
      if (named != null) {
        registries.addAll(Manifests.urls(named.toToml()));
      }
    }
    return new Manifest(deps, registries, Map.of());
  }

  private static void cargoDeps(
      @Nullable TomlTable table, Map<String, String> deps, Set<String> registries) {
    if (table == null) {
      return;
    }
    for (String name : table.keySet()) {
      Object value = table.get(List.of(name));
      if (value instanceof TomlTable spec) {
        deps.put(name, source(spec, "git", "path", "version"));
        String index = spec.getString("registry-index");
        if (index != null) {
          registries.add(index);
        }
      } else {
        deps.put(name, String.valueOf(value));
      }
    }
  }

  /** The dependency's source in the first key of {@code keys} it has: git URL, path or version. */
  private static String source(TomlTable spec, String... keys) {
    for (String key : keys) {
      Object value = spec.get(List.of(key));
      if (value instanceof String s) {
        return switch (key) {
          case "git" -> s.startsWith("git") ? s : "git+" + s;
          case "path" -> "path:" + s;
          default -> s;
        };
      }
    }
    return "";
  }

  static Manifest pyproject(String text) {
    TomlParseResult toml = parse(text);
    Map<String, String> deps = new HashMap<>();
    Set<String> registries = new HashSet<>();
    StringBuilder requirements = new StringBuilder();
    appendStrings(toml.getArray("project.dependencies"), requirements);
    for (String tableName : List.of("project.optional-dependencies", "dependency-groups")) {
      TomlTable groups = toml.getTable(tableName);
      if (groups != null) {
        for (String group : groups.keySet()) {
          if (groups.get(List.of(group)) instanceof TomlArray array) {
            appendStrings(array, requirements);
          }
        }
      }
    }
    deps.putAll(Manifests.requirements(requirements.toString()).dependencies());
    poetryDeps(toml.getTable("tool.poetry.dependencies"), deps);
    poetryDeps(toml.getTable("tool.poetry.dev-dependencies"), deps);
    TomlTable poetryGroups = toml.getTable("tool.poetry.group");
    if (poetryGroups != null) {
      for (String group : poetryGroups.keySet()) {
        if (poetryGroups.get(List.of(group)) instanceof TomlTable g) {
          poetryDeps(g.getTable("dependencies"), deps);
        }
      }
    }
    poetryDeps(toml.getTable("tool.uv.sources"), deps);
    for (String table : List.of("tool.poetry.source", "tool.uv.index", "tool.pdm.source")) {
      Object sources = toml.get(table);
      if (sources instanceof TomlArray array) {
        registries.addAll(Manifests.urls(array.toJson()));
      }
    }
    String indexUrl = toml.getString("tool.uv.index-url");
    if (indexUrl != null) {
      registries.add(indexUrl);
    }
    Map<String, String> hooks = new HashMap<>();
    TomlTable build = toml.getTable("build-system");
    if (build != null) {
      hooks.put("build-system", build.toJson());
    }
    return new Manifest(deps, registries, hooks);
  }

  private static void appendStrings(@Nullable TomlArray array, StringBuilder out) {
    if (array != null) {
      for (Object item : array.toList()) {
        out.append(item).append('\n');
      }
    }
  }

  private static void poetryDeps(@Nullable TomlTable table, Map<String, String> deps) {
    if (table == null) {
      return;
    }
    for (String name : table.keySet()) {
      if (name.equals("python")) {
        continue;
      }
      Object value = table.get(List.of(name));
      String key = name.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
      if (value instanceof TomlTable spec) {
        deps.put(key, source(spec, "git", "url", "path", "version"));
      } else {
        deps.put(key, String.valueOf(value));
      }
    }
  }
}
