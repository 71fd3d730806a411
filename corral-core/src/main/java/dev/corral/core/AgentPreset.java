package dev.corral.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to start one coding agent in a sandbox: its command, the flags that make it run without
 * asking, how it is installed, the egress it needs, the state it keeps in the home directory and
 * how it logs in. Presets come from Corral's catalog ({@code agents.toml}) and the user's {@code
 * [agents.NAME]} tables. Immutable.
 *
 * @param name the name users type, e.g. {@code claude}
 * @param description one line for {@code corral agents}
 * @param command the program and its fixed arguments; empty means an interactive login shell
 * @param yolo arguments that let the agent act without asking (added to every {@code corral run})
 * @param login the command {@code corral login} runs; empty when the agent has no login flow
 * @param prompt how the agent takes one prompt and runs without a terminal (server tasks): the
 *     program and arguments, where the element {@code {prompt}} (exactly one) becomes the prompt
 *     and {@code {yolo}} the {@code yolo} flags; empty when the agent cannot run headless
 * @param install how to install the agent
 * @param network egress rules a normal run allows, e.g. {@code @claude}
 * @param modelHosts the model API hosts, the only egress {@code --lockdown} allows
 * @param state paths relative to the home that the agent keeps across runs; a trailing {@code /}
 *     marks a directory, anything else is a file
 * @param protect more paths relative to the home that the agent reads on the host (e.g. {@code
 *     .claude.json}) and that no sandbox may see, like the state paths; not persisted
 * @param env variables set inside; a value starting with {@code ~/} is relative to the sandbox home
 * @param passEnv host variables copied in when set (API keys); never under {@code --lockdown}
 * @param docs where the vendor documents the agent
 */
public record AgentPreset(
    String name,
    String description,
    List<String> command,
    List<String> yolo,
    List<String> login,
    List<String> prompt,
    Install install,
    List<String> network,
    List<String> modelHosts,
    List<String> state,
    List<String> protect,
    Map<String, String> env,
    List<String> passEnv,
    String docs) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

  public AgentPreset {
    if (!NAME.matcher(name).matches()) {
      throw new UsageException(
          "invalid agent name '" + name + "'",
          "use lower-case letters, digits, '-' and '_', starting with a letter");
    }
    command = List.copyOf(command);
    yolo = List.copyOf(yolo);
    login = List.copyOf(login);
    prompt = List.copyOf(prompt);
    if (!prompt.isEmpty()
        && (prompt.stream().filter(PROMPT::equals).count() != 1
            || prompt.getFirst().startsWith("{"))) {
      throw new UsageException(
          "agent "
              + name
              + ": prompt "
              + prompt
              + " must start with the program and contain the"
              + " element \""
              + PROMPT
              + "\" exactly once",
          "write it like [\"" + name + "\", \"{yolo}\", \"-p\", \"" + PROMPT + "\"]");
    }
    network = List.copyOf(network);
    modelHosts = List.copyOf(modelHosts);
    state = List.copyOf(state);
    protect = List.copyOf(protect);
    env = Map.copyOf(env);
    passEnv = List.copyOf(passEnv);
    for (String path : java.util.stream.Stream.concat(state.stream(), protect.stream()).toList()) {
      String bare = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
      if (bare.isEmpty()
          || bare.startsWith("/")
          || bare.startsWith("~")
          || List.of(bare.split("/")).contains("..")) {
        throw new UsageException(
            "agent " + name + ": state path '" + path + "' must be relative to the home",
            "write it like \".claude/\" (a directory) or \".claude.json\" (a file)");
      }
    }
  }

  /** The placeholder of the prompt in {@link #prompt}. */
  public static final String PROMPT = "{prompt}";

  /** The placeholder of the {@link #yolo} flags in {@link #prompt}. */
  public static final String YOLO = "{yolo}";

  /**
   * The command that runs the agent headless on {@code text}: {@link #prompt} with the placeholders
   * filled in. The prompt stays one argument (no shell is involved).
   *
   * @throws UsageException when the preset has no {@code prompt} template
   */
  public List<String> headless(String text) {
    if (prompt.isEmpty()) {
      throw new UsageException(
          "agent " + name + " has no headless form, so it cannot run as a task",
          "add prompt = [\"PROGRAM\", \"ARG\", \""
              + PROMPT
              + "\"] under [agents."
              + name
              + "] in ~/.config/corral/config.toml");
    }
    List<String> argv = new java.util.ArrayList<>();
    for (String element : prompt) {
      switch (element) {
        case PROMPT -> argv.add(text);
        case YOLO -> argv.addAll(yolo);
        default -> argv.add(element);
      }
    }
    return List.copyOf(argv);
  }

  /** The program the preset starts, if it starts one (the {@code shell} preset does not). */
  public Optional<String> program() {
    return command.isEmpty() ? Optional.empty() : Optional.of(command.getFirst());
  }

  /**
   * How an agent is installed.
   *
   * @param hint the command a user runs on the host, shown when the agent is missing
   * @param docker the steps that install it into a container image (shell commands, run as root)
   * @param nativePaths paths relative to the home bound read-only into a native sandbox when they
   *     exist, for agents that install themselves under the home (e.g. {@code .local/share/claude})
   */
  public record Install(String hint, List<String> docker, List<String> nativePaths) {
    public static final Install NONE = new Install("", List.of(), List.of());

    public Install {
      docker = List.copyOf(docker);
      nativePaths = List.copyOf(nativePaths);
    }
  }
}
