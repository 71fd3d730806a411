package dev.corral.workspace;

import java.util.List;
import java.util.Locale;

/**
 * Checks a change by its path: anything under {@code .git} (in any spelling a file system accepts)
 * and files that other tools run by themselves. Content-dependent files ({@code package.json},
 * {@code .gitattributes}, {@code pom.xml}, …) are judged by {@link ContentCheck} instead.
 */
final class PathCheck {
  private PathCheck() {}

  /** A path rule: the severity, what runs the file, and how to recognise it. */
  private record Rule(Severity severity, String what, java.util.function.Predicate<String> test) {}

  private static final String COMMIT_HOOK = "a git hook manager runs it on your next commit";

  private static final List<Rule> RULES =
      List.of(
          new Rule(Severity.BLOCK, "direnv runs it when you cd into the directory", base(".envrc")),
          new Rule(
              Severity.BLOCK, "VS Code runs tasks and applies settings from it", dir(".vscode")),
          new Rule(
              Severity.BLOCK,
              "VS Code runs tasks and applies settings from it",
              suffix(".code-workspace")),
          new Rule(
              Severity.BLOCK,
              "JetBrains IDEs run configurations and startup tasks from it",
              dir(".idea")),
          new Rule(Severity.BLOCK, COMMIT_HOOK, dir(".husky")),
          new Rule(Severity.BLOCK, COMMIT_HOOK, dir(".githooks")),
          new Rule(Severity.BLOCK, COMMIT_HOOK, dir(".git-hooks")),
          new Rule(Severity.BLOCK, COMMIT_HOOK, dir(".lefthook")),
          new Rule(
              Severity.BLOCK,
              COMMIT_HOOK,
              base(
                  ".pre-commit-config.yaml",
                  "lefthook.yml",
                  "lefthook.yaml",
                  ".lefthook.yml",
                  ".lefthook.yaml",
                  "lefthook-local.yml")),
          new Rule(
              Severity.BLOCK,
              "dev containers run its initializeCommand on your host",
              dir(".devcontainer")),
          new Rule(
              Severity.BLOCK,
              "dev containers run its initializeCommand on your host",
              base(".devcontainer.json")),
          new Rule(
              Severity.BLOCK,
              "it is this sandbox's own policy; an agent must not widen it",
              root("corral.toml")),
          new Rule(
              Severity.WARN,
              "mise runs its hooks and tasks in this directory",
              base(".mise.toml", "mise.toml", ".mise.local.toml")),
          new Rule(
              Severity.WARN,
              "pnpm runs it on every install",
              base(".pnpmfile.cjs", ".pnpmfile.mjs")),
          new Rule(
              Severity.WARN, "make runs it", base("makefile", "gnumakefile").or(suffix(".mk"))),
          new Rule(
              Severity.WARN,
              "task runners run it",
              base("justfile", ".justfile", "taskfile.yml", "taskfile.yaml", "rakefile")),
          new Rule(
              Severity.WARN,
              "pip runs it when it installs from source",
              base("setup.py", "setup.cfg")),
          new Rule(
              Severity.WARN,
              "Python imports it at startup or test time",
              base("sitecustomize.py", "usercustomize.py", "conftest.py", "noxfile.py", "tox.ini")
                  .or(suffix(".pth"))),
          new Rule(Severity.WARN, "cargo compiles and runs it before the crate", base("build.rs")),
          new Rule(
              Severity.WARN,
              "cargo applies it (runners, wrappers, registries)",
              p -> p.matches("(.*/)?\\.cargo/config(\\.toml)?")),
          new Rule(
              Severity.WARN,
              "Gradle runs it",
              base(
                      "build.gradle",
                      "build.gradle.kts",
                      "settings.gradle",
                      "settings.gradle.kts",
                      "init.gradle",
                      "init.gradle.kts",
                      "gradle.properties",
                      "gradlew",
                      "gradlew.bat")
                  .or(dir("buildsrc"))),
          new Rule(
              Severity.WARN,
              "the Gradle wrapper downloads and runs what it names",
              p -> p.contains("gradle/wrapper/")),
          new Rule(
              Severity.WARN,
              "Maven applies it to every build",
              dir(".mvn").or(base("mvnw", "mvnw.cmd"))),
          new Rule(
              Severity.WARN,
              "CI runs it with your CI secrets when you push",
              p -> p.startsWith(".github/workflows/") || p.startsWith(".github/actions/")),
          new Rule(
              Severity.WARN,
              "CI runs it with your CI secrets when you push",
              root(
                      ".gitlab-ci.yml",
                      ".travis.yml",
                      "azure-pipelines.yml",
                      "bitbucket-pipelines.yml",
                      ".drone.yml",
                      ".woodpecker.yml",
                      "jenkinsfile",
                      "action.yml",
                      "action.yaml")
                  .or(
                      p ->
                          p.startsWith(".circleci/")
                              || p.startsWith(".buildkite/")
                              || p.startsWith(".woodpecker/"))),
          new Rule(
              Severity.WARN,
              "git fetches and checks out what it names",
              p -> GitPaths.isDotGitmodules(GitPaths.baseName(p))));

  static void inspect(Change change, Findings out) {
    inspectGitComponents(change.path(), change, out);
    if (change.oldPath() != null) {
      inspectGitComponents(change.oldPath(), change, out);
    }
    if (change.kind() == Change.Kind.DELETED) {
      return;
    }
    String folded = folded(change.path());
    for (Rule rule : RULES) {
      if (rule.test().test(folded)) {
        String verb = change.kind() == Change.Kind.ADDED ? "new file" : "changed file";
        out.add(
            rule.severity(),
            "autorun",
            change.path(),
            0,
            verb + " that runs without you asking: " + rule.what(),
            "read it in `corral diff`; it runs outside the sandbox on your machine");
        return;
      }
    }
  }

  private static void inspectGitComponents(String path, Change change, Findings out) {
    for (String component : GitPaths.components(path)) {
      if (GitPaths.isDotGit(component)) {
        out.add(
            Severity.BLOCK,
            "git-dir",
            change.path(),
            0,
            "path component '" + component + "' is the .git directory on some file system",
            "git hooks and config under .git run code on your machine; never merge this");
        return;
      }
    }
  }

  /** The path with every component folded, {@code /}-joined. */
  private static String folded(String path) {
    return String.join("/", GitPaths.components(path).stream().map(GitPaths::fold).toList());
  }

  private static java.util.function.Predicate<String> base(String... names) {
    List<String> list = List.of(names);
    return p -> list.contains(p.substring(p.lastIndexOf('/') + 1));
  }

  private static java.util.function.Predicate<String> root(String... names) {
    List<String> list = List.of(names);
    return list::contains;
  }

  private static java.util.function.Predicate<String> suffix(String suffix) {
    return p -> p.endsWith(suffix.toLowerCase(Locale.ROOT));
  }

  private static java.util.function.Predicate<String> dir(String name) {
    return p -> p.startsWith(name + "/") || p.contains("/" + name + "/");
  }
}
