package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.ConfigException;
import dev.corral.server.ApprovalSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApprovalConfigTest {
  @TempDir Path dir;

  private Path write(String toml) throws Exception {
    Path file = dir.resolve("config.toml");
    Files.writeString(file, toml);
    return file;
  }

  @Test
  void readsTheHookAsAProgramAndArgumentsAndTheMergeHold() throws Exception {
    ApprovalSettings settings =
        ApprovalConfig.read(
            write("[approvals]\nhook = [\"notify-send\", \"Corral\"]\nmerge-hold = \"3d\"\n"));
    assertThat(settings.hook()).containsExactly("notify-send", "Corral");
    assertThat(settings.mergeHold()).isEqualTo(Duration.ofDays(3));
  }

  @Test
  void readsThePromptAndAskHolds() throws Exception {
    ApprovalSettings settings =
        ApprovalConfig.read(write("[approvals]\nprompt-hold = \"30m\"\nask-hold = \"2m\"\n"));
    assertThat(settings.promptHold()).isEqualTo(Duration.ofMinutes(30));
    assertThat(settings.askHold()).isEqualTo(Duration.ofMinutes(2));
    assertThat(settings.mergeHold()).isEqualTo(ApprovalSettings.DEFAULT_MERGE_HOLD);
  }

  @Test
  void defaultsWithoutAFileOrTable() throws Exception {
    assertThat(ApprovalConfig.read(dir.resolve("absent.toml"))).isEqualTo(ApprovalSettings.DEFAULT);
    assertThat(ApprovalConfig.read(write("backend = \"native\"\n")).hook()).isEqualTo(List.of());
  }

  @Test
  void refusesAShellStringUnknownKeysAndBadDurations() throws Exception {
    assertThatThrownBy(() -> ApprovalConfig.read(write("[approvals]\nhook = \"notify-send hi\"\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageEndingWith("approvals.hook must be a list of strings");
    assertThatThrownBy(() -> ApprovalConfig.read(write("[approvals]\nhok = [\"x\"]\n")))
        .hasMessageEndingWith("unknown key 'approvals.hok'");
    assertThatThrownBy(() -> ApprovalConfig.read(write("[approvals]\nmerge-hold = \"soon\"\n")))
        .hasMessageEndingWith("invalid approvals.merge-hold 'soon'");
    assertThatThrownBy(() -> ApprovalConfig.read(write("[approvals]\nask-hold = \"0s\"\n")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("approvals.ask-hold must be positive, not PT0S");
    assertThatThrownBy(() -> ApprovalConfig.read(write("[approvals]\nprompt-hold = 5\n")))
        .hasMessageEndingWith("approvals.prompt-hold must be a duration string");
    assertThatThrownBy(() -> ApprovalConfig.read(write("[approvals]\nhook = []\n")))
        .hasMessageEndingWith("approvals.hook names no program");
  }
}
