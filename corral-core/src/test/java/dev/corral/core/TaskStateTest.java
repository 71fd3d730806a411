package dev.corral.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TaskStateTest {
  @Test
  void movesOnlyForward() {
    assertThat(TaskState.QUEUED.canMoveTo(TaskState.PREPARING)).isTrue();
    assertThat(TaskState.QUEUED.canMoveTo(TaskState.RUNNING)).isFalse();
    assertThat(TaskState.RUNNING.canMoveTo(TaskState.WAITING)).isTrue();
    assertThat(TaskState.WAITING.canMoveTo(TaskState.RUNNING)).isTrue();
    assertThat(TaskState.RUNNING.canMoveTo(TaskState.QUEUED)).isFalse();
    assertThat(TaskState.PREPARING.canMoveTo(TaskState.SUCCEEDED)).isFalse();
  }

  @Test
  void anyUnfinishedTaskCanBeCancelledFailOrTimeOutButAnEndedOneNothing() {
    for (TaskState state : TaskState.values()) {
      for (TaskState end :
          new TaskState[] {TaskState.CANCELLED, TaskState.FAILED, TaskState.TIMED_OUT}) {
        assertThat(state.canMoveTo(end)).as(state + " -> " + end).isEqualTo(!state.terminal());
      }
      if (state.terminal()) {
        for (TaskState next : TaskState.values()) {
          assertThat(state.canMoveTo(next)).isFalse();
        }
      }
    }
  }

  @Test
  void wireNamesRoundTripAndUnknownNamesAreRefused() {
    for (TaskState state : TaskState.values()) {
      assertThat(TaskState.fromWireName(state.wireName())).isEqualTo(state);
    }
    assertThat(TaskState.TIMED_OUT.wireName()).isEqualTo("timed_out");
    assertThatThrownBy(() -> TaskState.fromWireName("done"))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("unknown task state 'done'");
    assertThatThrownBy(() -> TaskId.of("t-xyz")).isInstanceOf(UsageException.class);
    assertThat(TaskId.random().value()).matches("t-[0-9a-f]{16}");
  }
}
