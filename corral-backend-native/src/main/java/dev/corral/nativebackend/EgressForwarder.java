package dev.corral.nativebackend;

import dev.corral.core.Check;
import dev.corral.core.EnvironmentException;
import dev.corral.core.NetworkMode;
import dev.corral.core.SandboxSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a sandbox with {@link NetworkMode.Gateway} reaches the gateway. The sandbox keeps its empty
 * network namespace; the gateway's per-sandbox UNIX socket is bound in at {@link #SOCKET}, and
 * {@code socat} inside listens on {@code 127.0.0.1:}{@link #PORT} and forwards every connection to
 * it. Tools find it through the proxy variables; tools that ignore them have no route at all.
 */
final class EgressForwarder {
  static final String SOCKET_DIR = "/run/corral";
  static final String SOCKET = SOCKET_DIR + "/egress.sock";
  static final int PORT = 3128;
  static final String PROXY = "http://127.0.0.1:" + PORT;

  /**
   * Starts socat, waits until it listens (at most about 5 s), then execs the command. {@code
   * 0100007F:0C38} is 127.0.0.1:3128 in /proc/net/tcp, {@code 0A} is LISTEN.
   */
  private static final String SCRIPT =
      // The forwarder's own tools come from the system PATH, whatever PATH the command gets.
      "p=/usr/sbin:/usr/bin:/sbin:/bin\n"
          + "PATH=$p socat TCP-LISTEN:"
          + PORT
          + ",bind=127.0.0.1,reuseaddr,fork UNIX-CONNECT:"
          + SOCKET
          + " 2>/dev/null &\n"
          + "i=0\n"
          + "until PATH=$p grep -q ' 0100007F:0C38 00000000:0000 0A' /proc/net/tcp; do\n"
          + "  i=$((i+1)); if [ $i -gt 500 ]; then\n"
          + "    echo 'corral: the egress forwarder (socat) did not start' >&2; exit 125; fi\n"
          + "  PATH=$p sleep 0.01\n"
          + "done\n"
          + "exec \"$@\"\n";

  private EgressForwarder() {}

  /** The command to run inside instead of {@code command}. */
  static List<String> wrap(List<String> command) {
    List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", SCRIPT, "corral-egress"));
    wrapped.addAll(command);
    return wrapped;
  }

  /**
   * Proxy settings for the common variables and for tools that ignore them: JVM tools (Maven,
   * Gradle) read {@code JAVA_TOOL_OPTIONS}; SOCKS clients use {@code ALL_PROXY} (the gateway tells
   * SOCKS from HTTP by the first byte).
   */
  static Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    String noProxy = "localhost,127.0.0.1,::1";
    for (String name : List.of("HTTP_PROXY", "HTTPS_PROXY")) {
      env.put(name, PROXY);
      env.put(name.toLowerCase(java.util.Locale.ROOT), PROXY);
    }
    env.put("ALL_PROXY", "socks5h://127.0.0.1:" + PORT);
    env.put("all_proxy", "socks5h://127.0.0.1:" + PORT);
    env.put("NO_PROXY", noProxy);
    env.put("no_proxy", noProxy);
    env.put(
        "JAVA_TOOL_OPTIONS",
        "-Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort="
            + PORT
            + " -Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort="
            + PORT
            + " -Dhttp.nonProxyHosts=localhost|127.0.0.1");
    return env;
  }

  /** Whether socat is installed where the sandbox will find it. */
  static boolean available() {
    return java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/socat"))
        || java.nio.file.Files.isExecutable(java.nio.file.Path.of("/bin/socat"));
  }

  static Check check() {
    return available()
        ? Check.ok("egress forwarder", "socat found")
        : Check.warn(
            "egress forwarder",
            "socat not found: sandboxes can only run without network",
            "install it with `apt-get install socat`");
  }

  /** Refuses a gateway network when the forwarder cannot run. */
  static void require(SandboxSpec spec) {
    if (enabled(spec) && !available()) {
      throw new EnvironmentException(
          "sandbox "
              + spec.id()
              + " needs network through the egress gateway, but socat is missing",
          "install it with `apt-get install socat`, or run with --network none");
    }
  }

  static boolean enabled(SandboxSpec spec) {
    return spec.network() instanceof NetworkMode.Gateway;
  }
}
