package dev.corral.nativebackend;

import dev.corral.core.Check;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The bubblewrap binary on this host: where it is, its version, and whether it works here. */
record Bubblewrap(Path path, String version) {
  private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

  /** Finds {@code bwrap} on the PATH (or in /usr/bin) and reads its version. */
  static Optional<Bubblewrap> find() {
    String pathVar = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/bin";
    for (String dir : pathVar.split(":", -1)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, "bwrap");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(new Bubblewrap(candidate, readVersion(candidate)));
      }
    }
    return Optional.empty();
  }

  private static String readVersion(Path bwrap) {
    Result r = run(List.of(bwrap.toString(), "--version"));
    Matcher m = VERSION.matcher(r.output());
    return m.find() ? m.group() : "unknown";
  }

  /** {@code --disable-userns} arrived in bubblewrap 0.8; older versions rely on seccomp alone. */
  boolean supportsDisableUserns() {
    Matcher m = VERSION.matcher(version);
    if (!m.matches()) {
      return false;
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    return major > 0 || minor >= 8;
  }

  static Check check(Optional<Bubblewrap> found) {
    return found
        .map(b -> Check.ok("bubblewrap", b.version() + " at " + b.path()))
        .orElseGet(
            () ->
                Check.fail(
                    "bubblewrap",
                    "not found on PATH",
                    "install it with `apt-get install bubblewrap` (Debian/Ubuntu) or"
                        + " `dnf install bubblewrap` (Fedora)"));
  }

  /** Starts a trivial sandbox in a new user namespace and explains a failure. */
  Check checkUserNamespaces() {
    Result r =
        run(
            List.of(
                path.toString(),
                "--unshare-user",
                "--unshare-pid",
                "--unshare-net",
                "--ro-bind",
                "/",
                "/",
                "--proc",
                "/proc",
                "true"));
    if (r.exitCode() == 0) {
      return Check.ok("user namespaces", "unprivileged user namespaces work");
    }
    String detail = "bubblewrap cannot create a user namespace: " + r.output().strip();
    if (readInt("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1) {
      return Check.fail(
          "user namespaces",
          detail + " (AppArmor restricts unprivileged user namespaces, as on Ubuntu 24.04)",
          "allow bwrap in AppArmor: create /etc/apparmor.d/bwrap with `abi <abi/4.0>, include"
              + " <tunables/global> profile bwrap /usr/bin/bwrap flags=(unconfined) { userns, }`"
              + " and run `sudo apparmor_parser -r /etc/apparmor.d/bwrap`");
    }
    if (readInt("/proc/sys/kernel/unprivileged_userns_clone") == 0) {
      return Check.fail(
          "user namespaces",
          detail + " (kernel.unprivileged_userns_clone = 0)",
          "run `sudo sysctl -w kernel.unprivileged_userns_clone=1`");
    }
    if (readInt("/proc/sys/user/max_user_namespaces") == 0) {
      return Check.fail(
          "user namespaces",
          detail + " (user.max_user_namespaces = 0)",
          "run `sudo sysctl -w user.max_user_namespaces=15000`");
    }
    return Check.fail(
        "user namespaces",
        detail,
        "if Corral runs inside a container, allow nested namespaces (e.g. docker run"
            + " --security-opt seccomp=unconfined) or run it on the host");
  }

  private static int readInt(String file) {
    try {
      return Integer.parseInt(Files.readString(Path.of(file)).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private record Result(int exitCode, String output) {}

  private static Result run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out");
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      return new Result(-1, e.getMessage() == null ? e.toString() : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "interrupted");
    }
  }
}
