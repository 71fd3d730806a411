package dev.corral.engine;

import dev.corral.core.AgentCatalog;
import dev.corral.core.AgentPreset;
import dev.corral.core.ConfigException;
import dev.corral.core.CorralDirs;
import dev.corral.core.EgressRules;
import dev.corral.core.HostPath;
import dev.corral.core.Mount;
import dev.corral.core.SandboxException;
import dev.corral.core.SandboxPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an agent preset adds to a sandbox: its command, environment, how it is installed (the
 * read-only binds of its host install on the native backend; image layers built from its {@code
 * install.docker} steps on a container backend), its persisted state bound read-write at its paths
 * in the private home, and its egress rules as the {@code AGENT} layer.
 *
 * @param preset the preset
 * @param command the command to run
 * @param env variables set inside ({@code PATH} included when the install needs it)
 * @param mounts install binds (read-only) and state binds (read-write)
 * @param egress the preset's egress rules
 * @param stateDir where the state lives on the host; empty under {@code --lockdown}
 * @param image for a container backend: the stack of Corral's images the install steps need ({@code
 *     node} for npm, {@code python} for pip, else {@code base}); empty on the native backend
 * @param layers for a container backend: the install steps as Dockerfile {@code RUN} instructions
 */
public record AgentLaunch(
    AgentPreset preset,
    List<String> command,
    Map<String, String> env,
    List<Mount> mounts,
    EgressRules.Layer egress,
    java.util.Optional<HostPath> stateDir,
    java.util.Optional<String> image,
    List<String> layers) {

  public AgentLaunch {
    command = List.copyOf(command);
    env = Map.copyOf(env);
    mounts = List.copyOf(mounts);
    layers = List.copyOf(layers);
  }

  /** Where the agent runs: on the host's own files, or in a container image. */
  public enum Target {
    NATIVE,
    CONTAINER
  }

  /** Why the preset runs: the agent itself, or its login flow. */
  public enum Purpose {
    RUN,
    LOGIN,
    /** Headless: the preset's {@code prompt} template with the one argument as the prompt. */
    PROMPT
  }

  /**
   * How to run a preset.
   *
   * @param purpose the agent or its login
   * @param args arguments appended to the agent's command ({@code corral run claude -- ARGS})
   * @param isolatedState state of this workspace only, instead of shared by all projects
   * @param lockdown ephemeral state, no host variables, egress to the model API only
   * @param target the host's install (native) or one built into the image (container)
   */
  public record Request(
      Purpose purpose, List<String> args, boolean isolatedState, boolean lockdown, Target target) {
    public Request {
      args = List.copyOf(args);
    }
  }

  /**
   * Plans how {@code preset} runs for {@code request} on {@code workspace}.
   *
   * @param dirs where agent state persists ({@code data/agents/NAME})
   * @param hostEnv the caller's environment: its {@code PATH} locates the host install, and {@code
   *     pass_env} variables are copied from it
   * @param home the user's home (sandbox-side paths of state and {@code ~/} values)
   * @throws dev.corral.core.EnvironmentException when the agent is not installed on the host
   * @throws dev.corral.core.UsageException for {@link Purpose#PROMPT} when the preset has no {@code
   *     prompt} template
   */
  public static AgentLaunch plan(
      AgentPreset preset,
      Request request,
      CorralDirs dirs,
      Map<String, String> hostEnv,
      HostPath workspace,
      HostPath home) {
    List<Mount> mounts = new ArrayList<>();
    Map<String, String> env = new LinkedHashMap<>();
    java.util.Optional<String> image = java.util.Optional.empty();
    List<String> layers = List.of();
    if (!preset.command().isEmpty() && request.target() == Target.CONTAINER) {
      layers = containerLayers(preset);
      image = java.util.Optional.of(stack(preset.install().docker()));
    } else if (!preset.command().isEmpty()) {
      HostInstall install = HostInstall.find(preset, hostEnv, home);
      install
          .binds()
          .forEach(b -> mounts.add(new Mount(HostPath.of(b), SandboxPath.of(b.toString()), ro())));
      if (!install.path().isEmpty()) {
        List<String> path = new ArrayList<>();
        install.path().forEach(p -> path.add(p.toString()));
        path.add("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("PATH", String.join(":", path));
      }
    }
    java.util.Optional<HostPath> stateDir = java.util.Optional.empty();
    if (!request.lockdown() && !preset.state().isEmpty()) {
      HostPath dir = stateDir(dirs, preset, request.isolatedState(), workspace);
      mounts.addAll(stateMounts(preset, dir, home));
      if (request.target() == Target.CONTAINER) {
        ownForContainer(dir.path(), workspace.path());
      }
      stateDir = java.util.Optional.of(dir);
    }
    preset
        .env()
        .forEach(
            (k, v) -> env.put(k, v.startsWith("~/") ? home.resolve(v.substring(2)).toString() : v));
    if (!request.lockdown()) {
      for (String name : preset.passEnv()) {
        String value = hostEnv.get(name);
        if (value != null) {
          env.put(name, value);
        }
      }
    }
    List<String> command = new ArrayList<>();
    switch (request.purpose()) {
      case RUN -> {
        command.addAll(preset.command());
        command.addAll(preset.yolo());
        command.addAll(request.args());
      }
      case LOGIN -> {
        command.addAll(preset.login());
        command.addAll(request.args());
      }
      case PROMPT -> command.addAll(preset.headless(String.join(" ", request.args())));
    }
    List<String> allow = request.lockdown() ? preset.modelHosts() : preset.network();
    var layer =
        new EgressRules.Layer(
            "agent " + preset.name() + (request.lockdown() ? " (lockdown)" : ""),
            EgressRules.Kind.AGENT,
            allow,
            List.of());
    return new AgentLaunch(preset, command, env, mounts, layer, stateDir, image, layers);
  }

  /** The preset's {@code install.docker} steps as {@code RUN} instructions. */
  private static List<String> containerLayers(AgentPreset preset) {
    List<String> steps = preset.install().docker();
    if (steps.isEmpty()) {
      throw new ConfigException(
          "agent "
              + preset.name()
              + " has no steps to install it into a container image (install.docker is empty)",
          "add them under [agents."
              + preset.name()
              + ".install] in ~/.config/corral/config.toml, e.g. docker = [\"npm install -g"
              + " PACKAGE\"], or run it with --backend native");
    }
    for (String step : steps) {
      if (step.isBlank() || step.contains("\n")) {
        throw new ConfigException(
            "agent " + preset.name() + ": invalid install.docker step '" + step + "'",
            "give one shell command per step, on one line");
      }
    }
    return steps.stream().map(step -> "RUN " + step).toList();
  }

  /**
   * The image stack the install steps need: {@code node} when a step runs npm or npx, {@code
   * python} when one runs pip or pipx, else {@code base} (which has curl and git).
   */
  public static String stack(List<String> steps) {
    boolean npm = false;
    boolean pip = false;
    for (String step : steps) {
      for (String word : step.split("[\\s;&|()]+", -1)) {
        npm |= word.equals("npm") || word.equals("npx");
        pip |= word.equals("pip") || word.equals("pip3") || word.equals("pipx");
      }
    }
    return npm ? "node" : pip ? "python" : "base";
  }

  /**
   * Where a preset's state lives: {@code <data>/agents/NAME/shared}, or with {@code
   * --isolated-state} {@code <data>/agents/NAME/projects/<dir>-<hash of the workspace path>}.
   */
  public static HostPath stateDir(
      CorralDirs dirs, AgentPreset preset, boolean isolated, HostPath workspace) {
    HostPath agent = dirs.data().resolve("agents").resolve(preset.name());
    if (!isolated) {
      return agent.resolve("shared");
    }
    String name =
        workspace.path().getFileName() == null ? "root" : workspace.path().getFileName().toString();
    return agent
        .resolve("projects")
        .resolve(name.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + hash(workspace));
  }

  /** Creates the state paths that do not exist yet and binds each read-write in the home. */
  private static List<Mount> stateMounts(AgentPreset preset, HostPath dir, HostPath home) {
    List<Mount> mounts = new ArrayList<>();
    try {
      createPrivate(dir.path());
      for (String entry : preset.state()) {
        boolean directory = entry.endsWith("/");
        String relative = directory ? entry.substring(0, entry.length() - 1) : entry;
        Path source = dir.path().resolve(relative);
        createPrivate(dir.path().resolve(relative).resolveSibling(".").normalize());
        if (directory) {
          createPrivate(source);
        } else if (!Files.exists(source)) {
          // An empty JSON object is a valid fresh settings file; other files start empty.
          Files.writeString(
              source, relative.endsWith(".json") ? "{}\n" : "", StandardCharsets.UTF_8);
        }
        mounts.add(
            new Mount(
                HostPath.of(source),
                SandboxPath.of(home.resolve(relative).toString()),
                Mount.Access.READ_WRITE));
      }
    } catch (IOException e) {
      throw new SandboxException(
          "cannot create the state of agent "
              + preset.name()
              + " under "
              + dir
              + ": "
              + e.getMessage(),
          "check that the directory is writable, or run with --lockdown for ephemeral state",
          e);
    }
    return mounts;
  }

  /**
   * When Corral runs as root, a container runs as the workspace's owner (uid 1000 for a root-owned
   * workspace), never as root: hand the state to that user so the agent can write it. As any other
   * user, the container runs as that user and the state is already theirs.
   */
  private static void ownForContainer(Path state, Path workspace) {
    try {
      if ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") != 0) {
        return;
      }
      int uid = (Integer) Files.getAttribute(workspace, "unix:uid");
      int gid = (Integer) Files.getAttribute(workspace, "unix:gid");
      if (uid == 0) {
        uid = CONTAINER_FALLBACK_ID;
        gid = CONTAINER_FALLBACK_ID;
      }
      try (var walk = Files.walk(state)) {
        for (Path p : walk.toList()) {
          Files.setAttribute(p, "unix:uid", uid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
          Files.setAttribute(p, "unix:gid", gid, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new SandboxException(
          "cannot hand the state of the agent under " + state + " to the container's user: " + e,
          "check that the directory is writable, or run with --lockdown for ephemeral state",
          e);
    }
  }

  /** The uid and gid a container runs as when Corral and the workspace are root's. */
  private static final int CONTAINER_FALLBACK_ID = 1000;

  private static void createPrivate(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  /** The host paths of every preset's state in the real home: never visible to a sandbox. */
  public static List<HostPath> hostStatePaths(AgentCatalog catalog, HostPath home) {
    List<HostPath> paths = new ArrayList<>();
    for (AgentPreset preset : catalog.all()) {
      List<String> entries = new ArrayList<>(preset.state());
      entries.addAll(preset.protect());
      for (String entry : entries) {
        String relative = entry.endsWith("/") ? entry.substring(0, entry.length() - 1) : entry;
        HostPath p = home.resolve(relative);
        if (!paths.contains(p)) {
          paths.add(p);
        }
      }
    }
    return paths;
  }

  private static String hash(HostPath workspace) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(workspace.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Mount.Access ro() {
    return Mount.Access.READ_ONLY;
  }
}
