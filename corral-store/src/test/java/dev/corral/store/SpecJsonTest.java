package dev.corral.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.TaskSpec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpecJsonTest {
  static TaskSpec spec(boolean terminal) {
    return new TaskSpec(
        "/repo",
        Optional.empty(),
        "shell",
        "true",
        Optional.empty(),
        List.of(),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        List.of(),
        false,
        terminal);
  }

  @Test
  void keepsWhetherTheTaskRunsInATerminal() {
    assertThat(SpecJson.read(SpecJson.write(spec(true))).terminal()).isTrue();
    assertThat(SpecJson.read(SpecJson.write(spec(false))).terminal()).isFalse();
  }

  @Test
  void aTaskStoredBeforeTerminalsExistedRanWithPipes() {
    String old =
        "{\"repo\":\"/repo\",\"agent\":\"shell\",\"prompt\":\"true\",\"allow\":[],\"deny\":[],"
            + "\"artifacts\":[]}";
    assertThat(SpecJson.read(old).terminal()).isFalse();
    assertThat(SpecJson.read(old).egressAsk()).isFalse();
  }
}
