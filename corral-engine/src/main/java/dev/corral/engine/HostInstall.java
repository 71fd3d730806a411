package dev.corral.engine;

import dev.corral.core.AgentPreset;
import dev.corral.core.EnvironmentException;
import dev.corral.core.HostPath;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where an agent is installed on the host, and what a native sandbox must bind read-only so that it
 * runs there: the system directories are visible anyway, but an agent installed under the home (a
 * user npm prefix, nvm, {@code ~/.local/bin} links into {@code ~/.local/share/claude}, a pipx
 * virtual environment) sits in a directory the sandbox replaces with its private home.
 *
 * @param program the agent's executable as found on the host {@code PATH}
 * @param binds host directories and files to bind read-only at the same path
 * @param path directories to put in front of the sandbox's {@code PATH}
 */
public record HostInstall(Path program, List<Path> binds, List<Path> path) {
  /** Directories every native sandbox sees at the same path. */
  public static final List<String> SYSTEM_DIRS =
      List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt");

  public HostInstall {
    binds = List.copyOf(binds);
    path = List.copyOf(path);
  }

  /** Where {@code preset}'s program is, if it is on {@code env}'s {@code PATH}. */
  public static Optional<Path> locate(AgentPreset preset, Map<String, String> env) {
    return preset.program().flatMap(p -> which(p, env));
  }

  /**
   * What {@code preset} needs from the host.
   *
   * @throws EnvironmentException saying how to install it when its program is not on the {@code
   *     PATH}
   */
  public static HostInstall find(AgentPreset preset, Map<String, String> env, HostPath home) {
    Path program =
        locate(preset, env)
            .orElseThrow(
                () ->
                    new EnvironmentException(
                        preset.name()
                            + " is not installed on this host: "
                            + preset.program().orElse("")
                            + " is not on your PATH",
                        "install it with `"
                            + preset.install().hint()
                            + "`, then check with `corral agents`"));
    Set<Path> binds = new LinkedHashSet<>();
    Set<Path> path = new LinkedHashSet<>();
    addProgram(program, binds, path);
    interpreter(real(program), env).ifPresent(i -> addProgram(i, binds, path));
    for (String extra : preset.install().nativePaths()) {
      Path p = home.path().resolve(extra);
      if (Files.exists(p) && !visible(p)) {
        binds.add(p);
      }
    }
    // A bind inside another one adds nothing.
    List<Path> outermost =
        binds.stream()
            .filter(b -> binds.stream().noneMatch(o -> !o.equals(b) && b.startsWith(o)))
            .toList();
    return new HostInstall(program, outermost, new ArrayList<>(path));
  }

  /** The executable's directory (it is on the PATH), and the package it belongs to. */
  private static void addProgram(Path program, Set<Path> binds, Set<Path> path) {
    Path dir = parent(program);
    if (!visible(dir)) {
      binds.add(dir);
      path.add(dir);
    }
    Path root = packageRoot(real(program));
    if (!visible(root)) {
      binds.add(root);
    }
  }

  /**
   * The directory that holds everything an executable needs: its npm package (under {@code
   * node_modules}, with the scope), its Python virtual environment, or else its own directory.
   */
  public static Path packageRoot(Path real) {
    for (int i = 0; i < real.getNameCount() - 1; i++) {
      if (real.getName(i).toString().equals("node_modules")) {
        int end = real.getName(i + 1).toString().startsWith("@") ? i + 3 : i + 2;
        end = Math.min(end, real.getNameCount());
        return real.getRoot().resolve(real.subpath(0, end));
      }
    }
    Path dir = parent(real);
    Path parent = dir.getParent();
    if (dir.getFileName() != null
        && dir.getFileName().toString().equals("bin")
        && parent != null
        && Files.exists(parent.resolve("pyvenv.cfg"))) {
      return parent;
    }
    return dir;
  }

  /** The interpreter a script's {@code #!} line names, e.g. node for {@code env node}. */
  private static Optional<Path> interpreter(Path script, Map<String, String> env) {
    String first;
    try (InputStream in = Files.newInputStream(script)) {
      byte[] head = in.readNBytes(256);
      first = new String(head, StandardCharsets.UTF_8).lines().findFirst().orElse("");
    } catch (IOException e) {
      return Optional.empty();
    }
    if (!first.startsWith("#!")) {
      return Optional.empty();
    }
    List<String> words = List.of(first.substring(2).trim().split("\\s+"));
    if (words.isEmpty() || words.getFirst().isEmpty()) {
      return Optional.empty();
    }
    if (words.getFirst().endsWith("/env")) {
      return words.stream()
          .skip(1)
          .filter(w -> !w.startsWith("-") && !w.contains("="))
          .findFirst()
          .flatMap(name -> which(name, env));
    }
    Path absolute = Path.of(words.getFirst());
    return Files.isExecutable(absolute) ? Optional.of(absolute) : Optional.empty();
  }

  public static Optional<Path> which(String name, Map<String, String> env) {
    if (name.contains("/")) {
      Path p = Path.of(name);
      return p.isAbsolute() && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    String search = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    for (String dir : search.split(File.pathSeparator, -1)) {
      if (dir.isEmpty() || !dir.startsWith("/")) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate.normalize());
      }
    }
    return Optional.empty();
  }

  private static Path parent(Path path) {
    Path parent = path.getParent();
    return parent == null ? path : parent;
  }

  public static boolean visible(Path path) {
    return SYSTEM_DIRS.stream().anyMatch(d -> path.startsWith(d));
  }

  private static Path real(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path;
    }
  }
}
