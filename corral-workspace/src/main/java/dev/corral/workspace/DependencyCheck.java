package dev.corral.workspace;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Compares dependencies, registries and lockfile sources between the old and new version of a
 * manifest. A registry or source host outside {@link ReviewSettings#knownRegistries()} blocks; a
 * dependency that bypasses the registry (git, URL, path) or a new dependency warns; a version
 * change is information.
 */
final class DependencyCheck {
  private static final Set<String> LOCKFILES =
      Set.of(
          "package-lock.json",
          "npm-shrinkwrap.json",
          "yarn.lock",
          "pnpm-lock.yaml",
          "bun.lock",
          "cargo.lock",
          "poetry.lock",
          "uv.lock",
          "pipfile.lock",
          "pdm.lock",
          "gemfile.lock",
          "composer.lock");
  private static final Set<String> REGISTRY_FILES =
      Set.of(
          ".npmrc",
          ".yarnrc",
          ".yarnrc.yml",
          "pip.conf",
          "pip.ini",
          "bunfig.toml",
          ".pypirc",
          "pipfile",
          "settings.xml");
  private static final Set<String> FORGES =
      Set.of("github.com", "gitlab.com", "bitbucket.org", "codeberg.org");
  private static final Pattern LOCK_SOURCE =
      Pattern.compile(
          "(?i)(?:resolved|tarball|source|registry|url|git|repo|remote)\\W{1,8}"
              + "((?:git\\+|registry\\+|sparse\\+)?[a-z][a-z0-9+.-]*://[^\\s\"',}#]+)");
  private static final Pattern BYPASS =
      Pattern.compile(
          "^(git\\+|git://|git@|ssh://|https?://|github:|gitlab:|bitbucket:|file:|link:|path:|replace:)");
  private static final Set<String> NPM_LIFECYCLE =
      Set.of(
          "preinstall",
          "install",
          "postinstall",
          "prepublish",
          "preprepare",
          "prepare",
          "postprepare",
          "prepack",
          "postpack",
          "dependencies");

  private final ReviewSettings settings;
  private final Findings out;

  DependencyCheck(ReviewSettings settings, Findings out) {
    this.settings = settings;
    this.out = out;
  }

  /** Whether review compares the file at {@code path} as a manifest, lockfile or registry file. */
  static boolean concerns(String path) {
    String name = GitPaths.baseName(path);
    return Manifests.parserFor(path).isPresent()
        || LOCKFILES.contains(name)
        || REGISTRY_FILES.contains(name);
  }

  void inspect(String path, String oldText, String newText) {
    String name = GitPaths.baseName(path);
    if (LOCKFILES.contains(name)) {
      sources(path, lockSources(oldText), lockSources(newText), "lockfile source");
      return;
    }
    if (REGISTRY_FILES.contains(name)) {
      sources(path, Manifests.urls(oldText), Manifests.urls(newText), "registry setting");
      return;
    }
    Optional<Function<String, Manifest>> parser = Manifests.parserFor(path);
    if (parser.isEmpty()) {
      return;
    }
    Manifest before = parseQuietly(parser.get(), oldText);
    Manifest after;
    try {
      after = newText.isBlank() ? Manifest.EMPTY : parser.get().apply(newText);
    } catch (IllegalArgumentException e) {
      out.add(
          Severity.WARN,
          "dependency",
          path,
          0,
          "cannot parse this manifest ("
              + e.getMessage()
              + "), so its dependencies were not compared",
          "review its dependencies by hand in `corral diff`");
      return;
    }
    dependencies(path, before.dependencies(), after.dependencies());
    sources(path, before.registries(), after.registries(), "repository");
    hooks(path, name, before.hooks(), after.hooks());
  }

  private static Manifest parseQuietly(Function<String, Manifest> parser, String text) {
    try {
      return text.isBlank() ? Manifest.EMPTY : parser.apply(text);
    } catch (IllegalArgumentException e) {
      return Manifest.EMPTY;
    }
  }

  private void dependencies(String path, Map<String, String> before, Map<String, String> after) {
    after.forEach(
        (name, spec) -> {
          String old = before.get(name);
          if (Objects.equals(old, spec)) {
            return;
          }
          boolean bypass = BYPASS.matcher(spec).find();
          if (bypass && (old == null || !BYPASS.matcher(old).find() || !old.equals(spec))) {
            Severity severity = sourceSeverity(spec, true);
            out.add(
                severity,
                "dependency",
                path,
                0,
                (old == null ? "new dependency " : "dependency ")
                    + name
                    + " from "
                    + spec
                    + (severity == Severity.BLOCK
                        ? " (unknown or unencrypted host)"
                        : " (bypasses the registry)"),
                "prefer a released version from the registry; check the source you are pulling in");
          } else if (old == null) {
            out.add(
                Severity.WARN,
                "dependency",
                path,
                0,
                "new dependency " + name + " " + spec,
                "check the name (typosquats) and that the project needs it");
          } else {
            out.add(Severity.INFO, "dependency", path, 0, name + ": " + old + " -> " + spec, "");
          }
        });
  }

  private void sources(String path, Set<String> before, Set<String> after, String what) {
    Set<String> seen = new java.util.HashSet<>();
    before.stream().map(DependencyCheck::host).filter(Objects::nonNull).forEach(seen::add);
    for (String url : new java.util.TreeSet<>(after)) {
      String host = host(url);
      String key = url.startsWith("http://") ? "http://" + host : String.valueOf(host);
      if (url.isBlank() || before.contains(url) || !seen.add(key)) {
        continue; // one finding per new host
      }
      Severity severity = sourceSeverity(url, false);
      if (severity == Severity.BLOCK) {
        out.add(
            severity,
            "registry",
            path,
            0,
            "new "
                + what
                + " "
                + url
                + (url.startsWith("http://")
                    ? " over unencrypted http"
                    : " on a host that is not a known registry"),
            "packages from it are installed on your machine; revert it, or merge with --accept-risk if you trust the host");
      } else {
        out.add(Severity.INFO, "registry", path, 0, "new " + what + " " + url, "");
      }
    }
  }

  private void hooks(
      String path, String name, Map<String, String> before, Map<String, String> after) {
    after.forEach(
        (hook, definition) -> {
          String old = before.get(hook);
          if (Objects.equals(old, definition)) {
            return;
          }
          switch (name) {
            case "package.json" -> {
              boolean lifecycle = NPM_LIFECYCLE.contains(hook);
              out.add(
                  lifecycle ? Severity.BLOCK : Severity.INFO,
                  "autorun",
                  path,
                  0,
                  (old == null ? "new" : "changed") + " npm script '" + hook + "': " + definition,
                  lifecycle
                      ? "npm runs it on every install, outside the sandbox; remove it or run"
                          + " installs with --ignore-scripts"
                      : "");
            }
            case "pom.xml" ->
                out.add(
                    Severity.WARN,
                    "autorun",
                    path,
                    0,
                    (old == null ? "new Maven plugin or extension " : "changed Maven plugin ")
                        + hook
                        + (definition.isEmpty() ? "" : " " + definition),
                    "plugins run code in every build; check what it executes");
            default ->
                out.add(
                    Severity.WARN,
                    "autorun",
                    path,
                    0,
                    "changed ["
                        + hook
                        + "]: the build backend runs when anyone installs or builds this",
                    "check the backend and its requirements");
          }
        });
  }

  /** How bad a dependency source or registry URL is. */
  private Severity sourceSeverity(String spec, boolean dependency) {
    if (spec.matches("(?i)^(git\\+|registry\\+|sparse\\+)?http://.*")) {
      return Severity.BLOCK;
    }
    if (spec.startsWith("replace:")) {
      return Severity.WARN; // Go fetches every module by its own host name; a fork is no registry
    }
    String host = host(spec);
    if (host == null) {
      return Severity.WARN; // a local path
    }
    if (settings.knownRegistry(host)) {
      return dependency ? Severity.WARN : Severity.INFO;
    }
    return dependency && FORGES.contains(host) ? Severity.WARN : Severity.BLOCK;
  }

  /** The host a spec or URL fetches from, or {@code null} for a local path. */
  static @Nullable String host(String spec) {
    String s = spec.replaceFirst("^(git\\+|registry\\+|sparse\\+)", "");
    if (s.startsWith("github:")) {
      return "github.com";
    }
    if (s.startsWith("gitlab:")) {
      return "gitlab.com";
    }
    if (s.startsWith("bitbucket:")) {
      return "bitbucket.org";
    }
    Matcher scp = Pattern.compile("^[\\w.-]+@([\\w.-]+):").matcher(s);
    if (scp.find()) {
      return scp.group(1).toLowerCase(Locale.ROOT);
    }
    if (s.startsWith("replace:")) {
      String module = s.substring("replace:".length());
      int slash = module.indexOf('/');
      return (slash < 0 ? module : module.substring(0, slash)).toLowerCase(Locale.ROOT);
    }
    try {
      String host = new URI(s).getHost();
      return host == null ? null : host.toLowerCase(Locale.ROOT);
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private static Set<String> lockSources(String text) {
    Set<String> urls = new java.util.HashSet<>();
    Matcher m = LOCK_SOURCE.matcher(text);
    while (m.find()) {
      urls.add(m.group(1));
    }
    return urls;
  }
}
