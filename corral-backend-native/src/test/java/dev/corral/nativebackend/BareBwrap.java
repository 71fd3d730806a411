package dev.corral.nativebackend;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs a command in a real bubblewrap sandbox, with or without a seccomp filter, for tests. */
final class BareBwrap {
  private static final String SANDBOX =
      "bwrap --unshare-user --unshare-pid --unshare-net --die-with-parent"
          + " --ro-bind / / --dev /dev --proc /proc";

  record Result(int exitCode, String output) {}

  private BareBwrap() {}

  /** Runs {@code command} under the filter in {@code filter}, passed as fd 3. */
  static Result run(Optional<Path> filter, List<String> extraOptions, String... command)
      throws IOException, InterruptedException {
    String options = String.join(" ", extraOptions);
    String script =
        filter.isPresent()
            ? "exec " + SANDBOX + " " + options + " --seccomp 3 \"$@\" 3<\"$CORRAL_FILTER\""
            : "exec " + SANDBOX + " " + options + " \"$@\"";
    List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", script, "sh"));
    argv.addAll(List.of(command));
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
    filter.ifPresent(file -> builder.environment().put("CORRAL_FILTER", file.toString()));
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("sandbox did not exit: " + argv);
    }
    return new Result(process.exitValue(), output);
  }
}
