package dev.corral.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.ApprovalAnswer;
import dev.corral.core.ApprovalGate;
import dev.corral.core.ApprovalRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PromptWatcherTest {
  final FakeClock clock = new FakeClock();
  final RecordingGate gate = new RecordingGate();
  final ByteArrayOutputStream typed = new ByteArrayOutputStream();
  PromptWatcher watcher = watcher(gate, typed);

  PromptWatcher watcher(ApprovalGate approvals, OutputStream input) {
    return new PromptWatcher(
        "box", approvals, input, clock, PromptDetector.defaults(), Duration.ofMinutes(2), 10, 60);
  }

  void print(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    watcher.output(bytes, 0, bytes.length);
  }

  void wait(Duration quiet) {
    for (long ms = 0; ms < quiet.toMillis(); ms += 100) {
      clock.advance(Duration.ofMillis(100));
      watcher.tick();
    }
  }

  @Test
  void opensOnePromptAfterTheScreenIsQuietAndTypesTheAnswer() {
    print("Removing 3 files\r\nDelete them all? [y/N] ");
    watcher.tick();
    assertThat(gate.opened).as("not before the screen is quiet").isEmpty();

    wait(Duration.ofSeconds(2));
    assertThat(gate.opened).hasSize(1);
    ApprovalRequest.Prompt prompt = gate.prompt(0);
    assertThat(prompt.sandbox()).isEqualTo("box");
    assertThat(prompt.question()).isEqualTo("Delete them all? [y/N]");
    assertThat(prompt.screen()).isEqualTo("Removing 3 files\nDelete them all? [y/N]");
    assertThat(watcher.pending()).isTrue();

    gate.opened.getFirst().answer().complete(new ApprovalAnswer.Text("y"));
    assertThat(typed.toString(StandardCharsets.UTF_8)).isEqualTo("y\r");
    assertThat(watcher.pending()).isFalse();
  }

  @Test
  void withdrawsThePromptWhenTheOutputMovesOn() {
    print("Continue? (y/n) ");
    wait(Duration.ofSeconds(2));
    CompletableFuture<ApprovalAnswer> answer = gate.opened.getFirst().answer();

    print("y\r\ncontinuing\r\n");
    assertThat(answer).isCancelled();
    assertThat(watcher.pending()).isFalse();
    answer.complete(new ApprovalAnswer.Text("n")); // too late: nothing is typed
    assertThat(typed.size()).isZero();
  }

  @Test
  void keepsAtMostOnePendingPromptAndNeverAsksTheSameScreenTwice() {
    print("Overwrite config? ");
    wait(Duration.ofSeconds(10));
    assertThat(gate.opened).hasSize(1);

    gate.opened.getFirst().answer().complete(new ApprovalAnswer.Deny(true));
    wait(Duration.ofSeconds(10));
    assertThat(gate.opened).as("the same screen, already asked").hasSize(1);
    assertThat(typed.size()).as("a denial types nothing").isZero();

    print("\r\nOverwrite config? ");
    wait(Duration.ofSeconds(2));
    assertThat(gate.opened).as("asked again after new output").hasSize(2);
  }

  @Test
  void outputThatKeepsComingIsNotAPrompt() {
    for (int i = 0; i < 50; i++) {
      print("test " + i + ": fixture asks (y/n)\r\n");
      clock.advance(Duration.ofMillis(200));
      watcher.tick();
    }
    print("50 tests passed\r\n");
    wait(Duration.ofSeconds(10));
    assertThat(gate.opened).isEmpty();
  }

  @Test
  void aShellPromptIsNotAQuestion() {
    print("build done\r\nuser@box:~/app$ ");
    wait(Duration.ofSeconds(10));
    assertThat(gate.opened).isEmpty();
  }

  @Test
  void theAnswerIsTypedVerbatimIntoTheSandboxTerminalOnly() {
    print("Project name? ");
    wait(Duration.ofSeconds(2));
    String hostile = "$(touch /tmp/pwned); `id` && rm -rf ~";
    gate.opened.getFirst().answer().complete(new ApprovalAnswer.Text(hostile));

    assertThat(typed.toString(StandardCharsets.UTF_8)).isEqualTo(hostile + "\r");
  }

  @Test
  void aBrokenGateOrTerminalIsReportedNotThrown() {
    ApprovalGate broken =
        (request, timeout) -> {
          throw new IllegalStateException("queue is down");
        };
    watcher = watcher(broken, typed);
    print("Proceed? ");
    wait(Duration.ofSeconds(2));
    assertThat(watcher.pending()).isFalse();

    OutputStream closed =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("terminal closed");
          }
        };
    watcher = watcher(gate, closed);
    print("Proceed? ");
    wait(Duration.ofSeconds(2));
    gate.opened.getFirst().answer().complete(new ApprovalAnswer.Text("y"));
    assertThat(watcher.pending()).isFalse();
  }

  @Test
  void rendersTheScreenOfAFullScreenAgent() {
    print("\u001b[?1049h\u001b[2J\u001b[1;3HDo you want to make this edit to App.java?");
    print(
        "\u001b[3;3H\u001b[1m❯ 1. Yes\u001b[0m\u001b[4;5H2. No\u001b[6;3HEsc to cancel\u001b[3;3H");
    wait(Duration.ofSeconds(2));
    assertThat(gate.opened).hasSize(1);
    assertThat(gate.prompt(0).question()).isEqualTo("Do you want to make this edit to App.java?");
    assertThat(gate.prompt(0).screen())
        .isEqualTo(
            "  Do you want to make this edit to App.java?\n\n  ❯ 1. Yes\n    2. No\n\n  Esc to cancel");
  }

  @Test
  void closingWithdrawsThePendingPromptAndStopsWatching() {
    print("Proceed? [y/N] ");
    wait(Duration.ofSeconds(2));
    CompletableFuture<ApprovalAnswer> answer = gate.opened.getFirst().answer();

    watcher.close();
    assertThat(answer).isCancelled();
    print("\r\nAnother question? ");
    wait(Duration.ofSeconds(5));
    assertThat(gate.opened).hasSize(1);
    answer.complete(new ApprovalAnswer.Text("y"));
    assertThat(typed.size()).isZero();
  }
}
