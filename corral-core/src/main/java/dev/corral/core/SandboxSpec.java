package dev.corral.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Everything a backend needs to create and run one sandbox. Immutable; build with {@link
 * #builder(SandboxId, HostPath)}.
 *
 * @param id the sandbox's name
 * @param workspace the host directory the sandbox may write (bound at the same path inside)
 * @param command the command and its arguments; empty means an interactive login shell
 * @param env environment variables set inside, on top of a minimal base environment
 * @param mounts extra host paths made visible, read-only or read-write
 * @param filesystem paths hidden from the sandbox and paths kept read-only in the workspace
 * @param limits resource limits
 * @param network how the sandbox reaches the network
 * @param stdio how standard streams are connected
 * @param timeout wall-clock limit after which the sandbox is killed, if any
 * @param container the image and OCI runtime for container backends ({@link ContainerSpec#DEFAULT}
 *     unless asked for); other backends ignore it
 */
public record SandboxSpec(
    SandboxId id,
    HostPath workspace,
    List<String> command,
    Map<String, String> env,
    List<Mount> mounts,
    FilesystemPolicy filesystem,
    ResourceLimits limits,
    NetworkMode network,
    Stdio stdio,
    Optional<Duration> timeout,
    ContainerSpec container) {

  public SandboxSpec {
    command = List.copyOf(command);
    env = Map.copyOf(env);
    mounts = List.copyOf(mounts);
    for (String key : env.keySet()) {
      if (key.isEmpty() || key.contains("=") || key.contains("\0")) {
        throw new UsageException(
            "invalid environment variable name '" + key + "'", "use --env NAME=VALUE");
      }
    }
  }

  /** The same spec with another network mode. */
  public SandboxSpec withNetwork(NetworkMode value) {
    return new SandboxSpec(
        id, workspace, command, env, mounts, filesystem, limits, value, stdio, timeout, container);
  }

  /** The same spec with another container image or runtime. */
  public SandboxSpec withContainer(ContainerSpec value) {
    return new SandboxSpec(
        id, workspace, command, env, mounts, filesystem, limits, network, stdio, timeout, value);
  }

  public static Builder builder(SandboxId id, HostPath workspace) {
    return new Builder(id, workspace);
  }

  /**
   * Builds a {@link SandboxSpec}; defaults: login shell, no network, piped stdio, no timeout,
   * {@link ContainerSpec#DEFAULT}.
   */
  public static final class Builder {
    private final SandboxId id;
    private final HostPath workspace;
    private List<String> command = List.of();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<Mount> mounts = new ArrayList<>();
    private FilesystemPolicy filesystem =
        FilesystemPolicy.defaults(HostPath.of(System.getProperty("user.home")), List.of());
    private ResourceLimits limits = ResourceLimits.DEFAULT;
    private NetworkMode network = NetworkMode.NONE;
    private Stdio stdio = Stdio.PIPE;
    private @Nullable Duration timeout;
    private ContainerSpec container = ContainerSpec.DEFAULT;

    private Builder(SandboxId id, HostPath workspace) {
      this.id = id;
      this.workspace = workspace;
    }

    public Builder command(List<String> value) {
      command = List.copyOf(value);
      return this;
    }

    public Builder command(String... value) {
      return command(List.of(value));
    }

    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    public Builder env(Map<String, String> values) {
      env.putAll(values);
      return this;
    }

    public Builder mount(Mount value) {
      mounts.add(value);
      return this;
    }

    public Builder filesystem(FilesystemPolicy value) {
      filesystem = value;
      return this;
    }

    public Builder limits(ResourceLimits value) {
      limits = value;
      return this;
    }

    public Builder network(NetworkMode value) {
      network = value;
      return this;
    }

    public Builder stdio(Stdio value) {
      stdio = value;
      return this;
    }

    public Builder timeout(@Nullable Duration value) {
      timeout = value;
      return this;
    }

    public Builder container(ContainerSpec value) {
      container = value;
      return this;
    }

    public SandboxSpec build() {
      return new SandboxSpec(
          id,
          workspace,
          command,
          env,
          mounts,
          filesystem,
          limits,
          network,
          stdio,
          Optional.ofNullable(timeout),
          container);
    }
  }
}
