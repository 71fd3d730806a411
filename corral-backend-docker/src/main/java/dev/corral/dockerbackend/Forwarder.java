package dev.corral.dockerbackend;

import dev.corral.core.NetworkMode;
import dev.corral.core.SandboxSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a container with {@link NetworkMode.Gateway} reaches the gateway, the same way as a native
 * sandbox: the container has network {@code none} (loopback only); the gateway's per-sandbox UNIX
 * socket is bound in at {@code /run/corral/egress.sock}, and {@code socat} inside (part of every
 * image Corral builds) listens on {@code 127.0.0.1:3128} and forwards each connection to it. Tools
 * find it through the proxy variables; tools that ignore them have no route at all.
 */
final class Forwarder {
  static final int PORT = 3128;
  static final String PROXY = "http://127.0.0.1:" + PORT;

  /**
   * Starts socat, waits until it listens (at most about 5 s), then execs the command. {@code
   * 0100007F:0C38} is 127.0.0.1:3128 in /proc/net/tcp, {@code 0A} is LISTEN.
   */
  private static final String SCRIPT =
      "p=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
          + "if ! PATH=$p command -v socat >/dev/null; then\n"
          + "  echo 'corral: this image has no socat, which the egress forwarder needs:"
          + " install it in the image (apt-get install socat)' >&2; exit 125; fi\n"
          + "PATH=$p socat TCP-LISTEN:"
          + PORT
          + ",bind=127.0.0.1,reuseaddr,fork UNIX-CONNECT:"
          + ContainerPlan.SOCKET_DIR
          + "/"
          + HostDirectory.GATEWAY_SOCKET
          + " 2>/dev/null &\n"
          + "i=0\n"
          + "until PATH=$p grep -q ' 0100007F:0C38 00000000:0000 0A' /proc/net/tcp; do\n"
          + "  i=$((i+1)); if [ $i -gt 500 ]; then\n"
          + "    echo 'corral: the egress forwarder (socat) did not start' >&2; exit 125; fi\n"
          + "  PATH=$p sleep 0.01\n"
          + "done\n"
          + "exec \"$@\"\n";

  private static final List<String> LOGIN_SHELL =
      List.of("/bin/sh", "-c", "command -v bash >/dev/null && exec bash -l; exec sh -l");

  private Forwarder() {}

  /** The container's command: the spec's (or a login shell), behind the forwarder if gated. */
  static List<String> command(SandboxSpec spec) {
    List<String> command = spec.command().isEmpty() ? LOGIN_SHELL : spec.command();
    if (!enabled(spec)) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", SCRIPT, "corral-egress"));
    wrapped.addAll(command);
    return wrapped;
  }

  static boolean enabled(SandboxSpec spec) {
    return spec.network() instanceof NetworkMode.Gateway;
  }

  /** The proxy variables, as the native backend sets them. */
  static Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    String noProxy = "localhost,127.0.0.1,::1";
    for (String name : List.of("HTTP_PROXY", "HTTPS_PROXY")) {
      env.put(name, PROXY);
      env.put(name.toLowerCase(Locale.ROOT), PROXY);
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
}
