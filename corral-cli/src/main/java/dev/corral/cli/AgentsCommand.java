package dev.corral.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.corral.core.AgentPreset;
import dev.corral.core.CorralConfig;
import dev.corral.core.HostPath;
import dev.corral.engine.AgentLaunch;
import dev.corral.engine.HostInstall;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code corral agents}: the agent presets, whether each is installed, and where its state is. */
@Command(
    name = "agents",
    mixinStandardHelpOptions = true,
    description = {
      "List the agent presets: installed on this host or not, and where their state lives.",
      "",
      "Run one with `corral run NAME`, log it in with `corral login NAME`. Add or change",
      "presets with [agents.NAME] in ~/.config/corral/config.toml (see docs/agents.md)."
    })
final class AgentsCommand implements Callable<Integer> {
  private final CliContext ctx;

  @Mixin OutputOption output = new OutputOption();

  @Spec
  @SuppressWarnings("NullAway.Init")
  CommandSpec spec;

  AgentsCommand(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    HostPath workspace = ctx.workingDirectory();
    CorralConfig config = ctx.config().load(workspace);
    Json.warn(config.warnings(), spec.commandLine());
    var out = spec.commandLine().getOut();
    out.print(
        switch (output.format) {
          case text -> text(config);
          case json -> Json.pretty(json(config));
        });
    out.flush();
    return 0;
  }

  /** One line per preset; the install column last, since a missing agent's hint is long. */
  private String text(CorralConfig config) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"AGENT", "STATE", "INSTALLED"});
    for (AgentPreset preset : config.agents().all()) {
      rows.add(
          new String[] {
            preset.name(),
            state(preset).map(HostPath::toString).orElse("-"),
            installed(preset).map(Path::toString).orElse(missing(preset))
          });
    }
    int name = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
    int state = rows.stream().mapToInt(r -> r[1].length()).max().orElse(0);
    StringBuilder b = new StringBuilder();
    for (String[] r : rows) {
      b.append(String.format("%-" + name + "s  %-" + state + "s  %s%n", r[0], r[1], r[2]));
    }
    return b.toString();
  }

  private ArrayNode json(CorralConfig config) {
    ArrayNode list = Json.MAPPER.createArrayNode();
    for (AgentPreset preset : config.agents().all()) {
      ObjectNode node = list.addObject();
      node.put("name", preset.name());
      node.put("description", preset.description());
      ArrayNode command = node.putArray("command");
      preset.command().forEach(command::add);
      ArrayNode yolo = node.putArray("yolo");
      preset.yolo().forEach(yolo::add);
      Optional<Path> at = installed(preset);
      node.put("installed", preset.command().isEmpty() || at.isPresent());
      at.ifPresent(p -> node.put("path", p.toString()));
      node.put("install", preset.install().hint());
      ArrayNode network = node.putArray("network");
      preset.network().forEach(network::add);
      ArrayNode model = node.putArray("model_hosts");
      preset.modelHosts().forEach(model::add);
      ArrayNode paths = node.putArray("state_paths");
      preset.state().forEach(paths::add);
      state(preset).ifPresent(s -> node.put("state", s.toString()));
      node.put("docs", preset.docs());
    }
    return list;
  }

  private Optional<Path> installed(AgentPreset preset) {
    return HostInstall.locate(preset, ctx.env());
  }

  private static String missing(AgentPreset preset) {
    return preset.command().isEmpty()
        ? "(built in)"
        : "no, install with: " + preset.install().hint();
  }

  private Optional<HostPath> state(AgentPreset preset) {
    return preset.state().isEmpty()
        ? Optional.empty()
        : Optional.of(AgentLaunch.stateDir(ctx.dirs(), preset, false, ctx.workingDirectory()));
  }
}
