package dev.corral.workspace;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads files whose content decides whether git or a package manager runs code: git config files (a
 * committed {@code .gitconfig}, an embedded repository's {@code config}, {@code .gitmodules}),
 * {@code .gitattributes}, and yarn's {@code yarnPath}.
 */
final class ConfigFileCheck {
  private static final Pattern SECTION =
      Pattern.compile(
          "^\\s*\\[\\s*([A-Za-z0-9.-]+)(?:\\s+\"((?:[^\"\\\\]|\\\\.)*)\")?\\s*\\](.*)$");
  private static final Pattern KEY =
      Pattern.compile("^\\s*([A-Za-z][A-Za-z0-9-]*)\\s*(?:=\\s*(.*))?$");
  private static final Set<String> CORE_COMMANDS =
      Set.of(
          "fsmonitor",
          "hookspath",
          "sshcommand",
          "pager",
          "editor",
          "askpass",
          "gitproxy",
          "worktree",
          "attributesfile");

  private ConfigFileCheck() {}

  /** Whether {@code path} is a file this check reads. */
  static boolean concerns(String path) {
    String name = GitPaths.baseName(path);
    return isGitConfig(name) || name.equals(".gitattributes") || name.equals(".yarnrc.yml");
  }

  private static boolean isGitConfig(String name) {
    return name.equals("config")
        || name.equals(".gitconfig")
        || name.equals("gitconfig")
        || name.endsWith(".gitconfig")
        || name.equals(".lfsconfig")
        || GitPaths.isDotGitmodules(name);
  }

  /**
   * Checks the new version; lines already in the old version ({@code oldLines}) are not reported
   * again.
   */
  static void inspect(String path, Set<String> oldLines, String text, Findings out) {
    String name = GitPaths.baseName(path);
    Findings fresh = new Findings(Integer.MAX_VALUE);
    if (isGitConfig(name)) {
      gitConfig(path, text, fresh);
    } else if (name.equals(".gitattributes")) {
      gitAttributes(path, text, fresh);
    } else {
      yarnrc(path, text, fresh);
    }
    String[] lines = text.split("\n", -1);
    for (Finding f : fresh.findings()) {
      if (f.line() == 0 || !oldLines.contains(lines[f.line() - 1])) {
        out.add(f);
      }
    }
  }

  private static void gitConfig(String path, String text, Findings out) {
    String section = "";
    String sub = "";
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      Matcher header = SECTION.matcher(line);
      if (header.matches()) {
        String full = header.group(1).toLowerCase(Locale.ROOT);
        int dot = full.indexOf('.');
        section = dot < 0 ? full : full.substring(0, dot);
        sub = header.group(2) != null ? header.group(2) : dot < 0 ? "" : full.substring(dot + 1);
        line = header.group(3);
      }
      Matcher kv = KEY.matcher(line.replaceFirst("\\s[#;].*$", ""));
      if (kv.matches() && !section.isEmpty()) {
        String key = kv.group(1).toLowerCase(Locale.ROOT);
        String value = kv.group(2) == null ? "" : kv.group(2).strip();
        String danger = danger(section, sub, key, value);
        if (danger != null) {
          boolean block = !danger.startsWith("warn:");
          String name = section + (sub.isEmpty() ? "" : "." + sub) + "." + key;
          out.add(
              block ? Severity.BLOCK : Severity.WARN,
              "git-config",
              path,
              i + 1,
              "git config '" + name + "' " + danger.replaceFirst("^warn:", ""),
              "git reads config like this from embedded repositories and includes; remove it");
        }
      }
    }
  }

  /** Why a git config key is dangerous ({@code warn:} prefix for a warning), or {@code null}. */
  static @Nullable String danger(String section, String sub, String key, String value) {
    return switch (section) {
      case "core" -> CORE_COMMANDS.contains(key) ? "runs a command or redirects git" : null;
      case "sequence" -> key.equals("editor") ? "runs a command" : null;
      case "gpg" -> key.equals("program") ? "runs a command" : null;
      case "diff" ->
          key.equals("external") || key.equals("textconv") || key.equals("command")
              ? "runs a command on every diff"
              : null;
      case "filter" ->
          Set.of("clean", "smudge", "process").contains(key)
              ? "runs a command on checkout and add"
              : null;
      case "merge" -> key.equals("driver") ? "runs a command on merge" : null;
      case "credential" -> key.equals("helper") ? "runs a command and receives credentials" : null;
      case "uploadpack" -> key.equals("packobjectshook") ? "runs a command on fetch" : null;
      case "remote" ->
          key.equals("uploadpack") || key.equals("receivepack") || key.equals("proxy")
              ? "runs a command or reroutes traffic"
              : null;
      case "include", "includeif" -> key.equals("path") ? "pulls in another config file" : null;
      case "alias" -> value.startsWith("!") ? "runs a shell command" : null;
      case "submodule" ->
          switch (key) {
            case "update" -> value.startsWith("!") ? "runs a shell command" : null;
            case "url", "path" -> value.startsWith("-") ? "looks like a command-line option" : null;
            default -> null;
          };
      case "protocol" ->
          key.equals("allow") && value.equalsIgnoreCase("always")
              ? "enables dangerous transports (ext::)"
              : null;
      case "url" -> key.endsWith("insteadof") ? "warn:rewrites where git fetches from" : null;
      case "http" -> key.equals("proxy") ? "warn:reroutes git traffic" : null;
      default -> null;
    };
  }

  private static void gitAttributes(String path, String text, Findings out) {
    String[] lines = text.split("\n", -1);
    boolean any = false;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      for (String attr : line.split("\\s+", -1)) {
        Matcher driver = Pattern.compile("^(filter|diff|merge)=(.+)$").matcher(attr);
        if (driver.matches() && !driver.group(2).equals("lfs")) {
          any = true;
          out.add(
              Severity.WARN,
              "gitattributes",
              path,
              i + 1,
              "'"
                  + attr
                  + "' makes git run the "
                  + driver.group(1)
                  + " driver '"
                  + driver.group(2)
                  + "' from your git config",
              "check that you know the driver; a matching ["
                  + driver.group(1)
                  + " \""
                  + driver.group(2)
                  + "\"] in any config runs its command");
        } else if (attr.equals("-diff") || attr.equals("binary") || attr.equals("diff=false")) {
          any = true;
          out.add(
              Severity.WARN,
              "gitattributes",
              path,
              i + 1,
              "'" + attr + "' hides changes to matching files from git diff",
              "review matching files with `git diff --text`");
        }
      }
    }
    if (!any) {
      out.add(Severity.INFO, "gitattributes", path, 0, "changed .gitattributes", "");
    }
  }

  private static void yarnrc(String path, String text, Findings out) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].strip().startsWith("yarnPath:")) {
        out.add(
            Severity.BLOCK,
            "autorun",
            path,
            i + 1,
            "yarnPath: yarn runs this file instead of itself on every command",
            "point it at a yarn release you checked, or remove it");
      }
    }
  }
}
