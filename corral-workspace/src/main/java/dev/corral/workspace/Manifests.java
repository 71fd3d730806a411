package dev.corral.workspace;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringReader;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Parsers that reduce the dependency manifests of npm, pip, Maven, Gradle and Go to a {@link
 * Manifest}. TOML manifests (Cargo, pyproject) are in {@link TomlManifests}. Each parser takes the
 * (capped) text of one version and throws {@link IllegalArgumentException} when it cannot parse it.
 */
final class Manifests {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern REQUIREMENT =
      Pattern.compile("^([A-Za-z0-9][A-Za-z0-9._-]*)\\s*(\\[[^\\]]*\\])?\\s*(.*)$");
  private static final Pattern URL = Pattern.compile("(?i)\\b[a-z][a-z0-9+.-]*://[^\\s\"'<>)]+");
  private static final Pattern GRADLE_DEP =
      Pattern.compile(
          "\\b(?:implementation|api|compileOnly|runtimeOnly|testImplementation|testRuntimeOnly|"
              + "testCompileOnly|annotationProcessor|kapt|ksp|classpath|compile|testCompile)"
              + "\\s*\\(?\\s*[\"']([^:\"'\\s]+:[^:\"'\\s]+)(?::([^\"'\\s]+))?[\"']");
  private static final Pattern GO_REQUIRE =
      Pattern.compile(
          "^(?:require\\s+)?([^\\s()]+\\.[^\\s()]+/\\S+|[^\\s()]+\\.[a-z]+)\\s+(v\\S+)");

  private static final Set<String> POM_RECORDS =
      Set.of("dependency", "plugin", "extension", "repository", "pluginRepository");

  private Manifests() {}

  /** Which parser reads the file at {@code path}, if any. */
  static Optional<java.util.function.Function<String, Manifest>> parserFor(String path) {
    String name = GitPaths.baseName(path);
    if (name.equals("package.json")) {
      return Optional.of(Manifests::packageJson);
    }
    if (name.matches("requirements.*\\.(txt|in)")
        || path.matches("(?i)(.*/)?requirements/.*\\.txt")) {
      return Optional.of(Manifests::requirements);
    }
    return switch (name) {
      case "pom.xml" -> Optional.of(Manifests::pom);
      case "build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts" ->
          Optional.of(Manifests::gradle);
      case "go.mod" -> Optional.of(Manifests::goMod);
      case "cargo.toml" -> Optional.of(TomlManifests::cargo);
      case "pyproject.toml" -> Optional.of(TomlManifests::pyproject);
      default -> Optional.empty();
    };
  }

  static Manifest packageJson(String text) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    Map<String, String> deps = new HashMap<>();
    for (String field :
        new String[] {
          "dependencies", "devDependencies", "optionalDependencies", "peerDependencies"
        }) {
      root.path(field).properties().forEach(e -> deps.put(e.getKey(), npmSpec(e.getValue())));
    }
    Map<String, String> scripts = new HashMap<>();
    root.path("scripts").properties().forEach(e -> scripts.put(e.getKey(), e.getValue().asText()));
    return new Manifest(deps, Set.of(), scripts);
  }

  /** An npm spec, with GitHub shorthand ({@code user/repo}) spelled as the git URL it means. */
  private static String npmSpec(JsonNode value) {
    String spec = value.asText();
    if (spec.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(#.*)?")) {
      return "git+https://github.com/" + spec;
    }
    return spec;
  }

  static Manifest requirements(String text) {
    Map<String, String> deps = new HashMap<>();
    Set<String> registries = new HashSet<>();
    for (String raw : text.split("\n", -1)) {
      String line = raw.replaceFirst("(^|\\s)#.*$", "").strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("-")) {
        // --index-url, --extra-index-url, --find-links, -i, -f, --trusted-host, -e URL
        Matcher url = URL.matcher(line);
        if (line.matches("(?i)^(-e|--editable)\\b.*")) {
          deps.put(line, url.find() ? url.group() : "path:" + line.replaceFirst("^\\S+\\s*", ""));
        } else if (url.find()) {
          registries.add(url.group());
        } else if (line.matches("^--trusted-host\\s+\\S+")) {
          registries.add("https://" + line.split("\\s+", -1)[1]);
        }
        continue;
      }
      Matcher m = REQUIREMENT.matcher(line);
      if (m.matches()) {
        String rest = m.group(3).strip();
        Matcher url = URL.matcher(rest);
        deps.put(
            m.group(1).toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
            rest.startsWith("@") && url.find() ? url.group() : rest);
      } else {
        Matcher url = URL.matcher(line);
        deps.put(line, url.find() ? url.group() : "path:" + line);
      }
    }
    return new Manifest(deps, registries, Map.of());
  }

  static Manifest pom(String text) {
    XMLInputFactory factory = XMLInputFactory.newFactory();
    // A pom from the sandbox is untrusted: no DTDs, no external entities.
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    Map<String, String> deps = new HashMap<>();
    Set<String> registries = new HashSet<>();
    Map<String, String> plugins = new HashMap<>();
    try {
      XMLStreamReader xml = factory.createXMLStreamReader(new StringReader(text));
      java.util.ArrayDeque<String> stack = new java.util.ArrayDeque<>();
      // The elements being read, each with the text of its direct children and its depth.
      java.util.ArrayDeque<Map<String, String>> records = new java.util.ArrayDeque<>();
      java.util.ArrayDeque<Integer> depths = new java.util.ArrayDeque<>();
      while (xml.hasNext()) {
        int event = xml.next();
        if (event == XMLStreamReader.START_ELEMENT) {
          stack.push(xml.getLocalName());
          if (POM_RECORDS.contains(xml.getLocalName())) {
            records.push(new HashMap<>());
            depths.push(stack.size());
          }
        } else if (event == XMLStreamReader.CHARACTERS
            && !records.isEmpty()
            && stack.size() == depths.getFirst() + 1) {
          records.getFirst().merge(stack.getFirst(), xml.getText().strip(), String::concat);
        } else if (event == XMLStreamReader.END_ELEMENT) {
          String name = stack.pop();
          if (!records.isEmpty() && depths.getFirst() == stack.size() + 1) {
            depths.pop();
            Map<String, String> r = records.pop();
            String coordinates =
                r.getOrDefault("groupId", "") + ":" + r.getOrDefault("artifactId", "");
            switch (name) {
              case "dependency" -> deps.put(coordinates, r.getOrDefault("version", ""));
              case "plugin", "extension" -> plugins.put(coordinates, r.getOrDefault("version", ""));
              default -> registries.add(r.getOrDefault("url", ""));
            }
          }
        }
      }
    } catch (XMLStreamException e) {
      throw new IllegalArgumentException("not valid XML: " + e.getMessage(), e);
    }
    return new Manifest(deps, registries, plugins);
  }

  static Manifest gradle(String text) {
    Map<String, String> deps = new HashMap<>();
    Set<String> registries = new HashSet<>();
    for (String line : text.split("\n", -1)) {
      Matcher dep = GRADLE_DEP.matcher(line);
      while (dep.find()) {
        deps.put(dep.group(1), dep.group(2) == null ? "" : dep.group(2));
      }
      if (line.contains("url") || line.contains("maven") || line.contains("ivy")) {
        Matcher url = URL.matcher(line);
        while (url.find()) {
          registries.add(url.group());
        }
      }
    }
    return new Manifest(deps, registries, Map.of());
  }

  static Manifest goMod(String text) {
    Map<String, String> deps = new HashMap<>();
    for (String raw : text.split("\n", -1)) {
      String line = raw.replaceFirst("//.*$", "").strip();
      if (line.startsWith("replace ") || line.contains("=>")) {
        String[] sides = line.replaceFirst("^replace\\s+", "").split("=>", 2);
        if (sides.length == 2) {
          String target = sides[1].strip();
          deps.put(
              "replace " + sides[0].strip(),
              target.startsWith(".") || target.startsWith("/")
                  ? "path:" + target
                  : "replace:" + target);
        }
        continue;
      }
      Matcher m = GO_REQUIRE.matcher(line);
      if (m.find() && !line.startsWith("module ") && !line.startsWith("go ")) {
        deps.put(m.group(1), m.group(2));
      }
    }
    return new Manifest(deps, Set.of(), Map.of());
  }

  /** Every URL in {@code text}. */
  static Set<String> urls(String text) {
    Set<String> urls = new HashSet<>();
    Matcher m = URL.matcher(text);
    while (m.find()) {
      urls.add(m.group());
    }
    return urls;
  }
}
