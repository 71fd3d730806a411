package dev.corral.dockerbackend;

import dev.corral.core.SandboxSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment inside a container: the image's own variables (e.g. a stack's {@code PATH}), then
 * a small allowlist taken from the host (terminal, locale, time zone), Corral's variables and the
 * spec's. Host variables such as {@code AWS_SECRET_ACCESS_KEY} stay outside unless passed.
 */
final class ContainerEnvironment {
  private static final List<String> FROM_HOST =
      List.of("TERM", "COLORTERM", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ", "NO_COLOR");

  private ContainerEnvironment() {}

  static List<String> of(SandboxSpec spec, String home, int uid) {
    Map<String, String> env = new LinkedHashMap<>();
    Map<String, String> host = System.getenv();
    for (String name : FROM_HOST) {
      String value = host.get(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    String user = uid == 0 ? "corral" : host.getOrDefault("USER", "corral");
    if (user.equals("root")) {
      user = "corral";
    }
    env.put("HOME", home);
    env.put("USER", user);
    env.put("LOGNAME", user);
    env.put("TMPDIR", "/tmp");
    env.put("CORRAL_SANDBOX", spec.id().value());
    if (Forwarder.enabled(spec)) {
      env.putAll(Forwarder.environment());
    }
    // A value naming a path under the host's home (an agent's ~/.claude) means the sandbox's home.
    String workspace = spec.workspace().toString();
    spec.env().forEach((k, v) -> env.put(k, ContainerPlan.inHome(v, home, workspace)));
    List<String> list = new ArrayList<>();
    env.forEach((k, v) -> list.add(k + "=" + v));
    return list;
  }
}
