package dev.corral.nativebackend;

import dev.corral.core.SandboxSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment inside a sandbox: a small allowlist taken from the host (terminal, locale, time
 * zone), Corral's own variables, then the spec's variables. Nothing else leaks in: host variables
 * such as {@code AWS_SECRET_ACCESS_KEY} or {@code ANTHROPIC_API_KEY} stay outside unless the user
 * passes them explicitly.
 */
final class SandboxEnvironment {
  static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final List<String> FROM_HOST =
      List.of("TERM", "COLORTERM", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "NO_COLOR");

  private SandboxEnvironment() {}

  static Map<String, String> of(SandboxSpec spec, BwrapArguments.Layout layout) {
    Map<String, String> env = new LinkedHashMap<>();
    Map<String, String> host = System.getenv();
    for (String name : FROM_HOST) {
      String value = host.get(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    env.put("PATH", DEFAULT_PATH);
    env.put("HOME", layout.home().toString());
    String user = layout.uid() == 0 ? "root" : host.getOrDefault("USER", "corral");
    if (user.equals("root")) {
      user = "corral";
    }
    env.put("USER", user);
    env.put("LOGNAME", user);
    env.put("SHELL", "/bin/sh");
    env.put("TMPDIR", "/tmp");
    env.put("CORRAL_SANDBOX", spec.id().value());
    if (EgressForwarder.enabled(spec)) {
      env.putAll(EgressForwarder.environment());
    }
    env.putAll(spec.env());
    return env;
  }

  static String path(SandboxSpec spec) {
    return spec.env().getOrDefault("PATH", DEFAULT_PATH);
  }
}
