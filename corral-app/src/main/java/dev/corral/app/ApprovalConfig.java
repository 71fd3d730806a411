package dev.corral.app;

import dev.corral.core.ConfigException;
import dev.corral.core.ResourceLimits;
import dev.corral.core.UsageException;
import dev.corral.server.ApprovalSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * The {@code [approvals]} table of the user's {@code config.toml}: {@code hook} (a command run when
 * an approval opens) and {@code merge-hold}. Read only from the user's own file, never from a
 * project's {@code corral.toml}: a checked-in file must not make the server run a command.
 */
final class ApprovalConfig {
  static final String KEYS = "valid keys in [approvals]: hook, merge-hold, prompt-hold, ask-hold";

  private ApprovalConfig() {}

  /** The settings in {@code file}, or the defaults when it does not exist or has no table. */
  static ApprovalSettings read(Path file) {
    if (!Files.isRegularFile(file)) {
      return ApprovalSettings.DEFAULT;
    }
    TomlParseResult toml;
    try {
      toml = Toml.parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read " + file + ": " + e.getMessage(), "check the file's permissions", e);
    }
    if (toml.hasErrors() || !toml.isTable("approvals")) {
      return ApprovalSettings.DEFAULT; // syntax errors are reported by the main config reader
    }
    TomlTable table = toml.getTableOrEmpty("approvals");
    List<String> hook = List.of();
    ApprovalSettings defaults = ApprovalSettings.DEFAULT;
    Duration merge = defaults.mergeHold();
    Duration prompt = defaults.promptHold();
    Duration ask = defaults.askHold();
    for (String key : table.keySet()) {
      switch (key) {
        case "hook" -> hook = hook(file, table);
        case "merge-hold" -> merge = hold(file, table, key, "3d");
        case "prompt-hold" -> prompt = hold(file, table, key, "30m");
        case "ask-hold" -> ask = hold(file, table, key, "2m");
        default -> throw new ConfigException(file + ": unknown key 'approvals." + key + "'", KEYS);
      }
    }
    try {
      return new ApprovalSettings(hook, merge, prompt, ask);
    } catch (UsageException e) {
      throw new ConfigException(file + ": " + e.getMessage(), e.hint().orElse(null), e);
    }
  }

  private static List<String> hook(Path file, TomlTable table) {
    String fix = "write it as a list: hook = [\"notify-send\", \"Corral\"] (no shell is used)";
    if (!table.isArray("hook")) {
      throw new ConfigException(file + ": approvals.hook must be a list of strings", fix);
    }
    TomlArray array = table.getArrayOrEmpty("hook");
    List<String> command = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.get(i) instanceof String part)) {
        throw new ConfigException(file + ": approvals.hook must be a list of strings", fix);
      }
      command.add(part);
    }
    if (command.isEmpty() || command.getFirst().isBlank()) {
      throw new ConfigException(file + ": approvals.hook names no program", fix);
    }
    return command;
  }

  private static Duration hold(Path file, TomlTable table, String key, String example) {
    String fix = "e.g. " + key + " = \"" + example + "\"";
    if (!table.isString(key)) {
      throw new ConfigException(file + ": approvals." + key + " must be a duration string", fix);
    }
    String text = String.valueOf(table.getString(key));
    try {
      return ResourceLimits.parseDuration(text);
    } catch (RuntimeException e) {
      throw new ConfigException(file + ": invalid approvals." + key + " '" + text + "'", fix, e);
    }
  }
}
