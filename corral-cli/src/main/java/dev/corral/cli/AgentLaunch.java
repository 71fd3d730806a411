package dev.corral.cli;

import dev.corral.core.AgentCatalog;
import dev.corral.core.AgentPreset;
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
 * What an agent preset adds to a sandbox: its command, environment, the read-only binds of its host
 * install, its persisted state bound read-write at its paths in the private home, and its egress
 * rules as the {@code AGENT} layer.
 *
 * @param preset the preset
 * @param command the command to run
 * @param env variables set inside ({@code PATH} included when the install needs it)
 * @param mounts install binds (read-only) and state binds (read-write)
 * @param egress the preset's egress rules
 * @param stateDir where the state lives on the host; empty under {@code --lockdown}
 */
record AgentLaunch(
    AgentPreset preset,
    List<String> command,
    Map<String, String> env,
    List<Mount> mounts,
    EgressRules.Layer egress,
    java.util.Optional<HostPath> stateDir) {

  AgentLaunch {
    command = List.copyOf(command);
    env = Map.copyOf(env);
    mounts = List.copyOf(mounts);
  }

  /** Why the preset runs: the agent itself, or its login flow. */
  enum Purpose {
    RUN,
    LOGIN
  }

  /**
   * How to run a preset.
   *
   * @param purpose the agent or its login
   * @param args arguments appended to the agent's command ({@code corral run claude -- ARGS})
   * @param isolatedState state of this workspace only, instead of shared by all projects
   * @param lockdown ephemeral state, no host variables, egress to the model API only
   */
  record Request(Purpose purpose, List<String> args, boolean isolatedState, boolean lockdown) {
    Request {
      args = List.copyOf(args);
    }
  }

  static AgentLaunch plan(
      AgentPreset preset, Request request, CliContext ctx, HostPath workspace, HostPath home) {
    List<Mount> mounts = new ArrayList<>();
    Map<String, String> env = new LinkedHashMap<>();
    if (!preset.command().isEmpty()) {
      HostInstall install = HostInstall.find(preset, ctx.env(), home);
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
      HostPath dir = stateDir(ctx.dirs(), preset, request.isolatedState(), workspace);
      mounts.addAll(stateMounts(preset, dir, home));
      stateDir = java.util.Optional.of(dir);
    }
    preset
        .env()
        .forEach(
            (k, v) -> env.put(k, v.startsWith("~/") ? home.resolve(v.substring(2)).toString() : v));
    if (!request.lockdown()) {
      for (String name : preset.passEnv()) {
        String value = ctx.env().get(name);
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
    }
    List<String> allow = request.lockdown() ? preset.modelHosts() : preset.network();
    var layer =
        new EgressRules.Layer(
            "agent " + preset.name() + (request.lockdown() ? " (lockdown)" : ""),
            EgressRules.Kind.AGENT,
            allow,
            List.of());
    return new AgentLaunch(preset, command, env, mounts, layer, stateDir);
  }

  /**
   * Where a preset's state lives: {@code <data>/agents/NAME/shared}, or with {@code
   * --isolated-state} {@code <data>/agents/NAME/projects/<dir>-<hash of the workspace path>}.
   */
  static HostPath stateDir(
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

  private static void createPrivate(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  /** The host paths of every preset's state in the real home: never visible to a sandbox. */
  static List<HostPath> hostStatePaths(AgentCatalog catalog, HostPath home) {
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
