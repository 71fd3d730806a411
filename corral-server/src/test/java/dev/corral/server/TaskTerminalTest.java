package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.api.ApprovalAnswerRequest;
import dev.corral.api.ApprovalView;
import dev.corral.api.TaskRequest;
import dev.corral.api.TaskView;
import dev.corral.client.CorralClient;
import dev.corral.client.TerminalSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tasks in a terminal (the default): the agent's prompts open approvals whose answers are typed
 * into its terminal, one client at a time takes control of its keyboard and size, and a task
 * without a terminal has a closed stdin and is never asked about. Real server, store, native
 * backend and client.
 */
class TaskTerminalTest {
  @TempDir static Path temp;
  static ServerFixture fixture;
  static CorralClient client;
  static Path repo;

  @BeforeAll
  static void start() {
    fixture = ServerFixture.start(temp, 4);
    client = fixture.client;
    repo = ServerFixture.repo(temp.resolve("repo"));
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private static TaskRequest shell(String script, @Nullable Boolean terminal) {
    return new TaskRequest(
        repo.toString(), null, "shell", script, null, null, null, null, 120L, null, null, terminal);
  }

  @Test
  void aTaskPromptBecomesAnApprovalAndTheAnswerIsTypedIntoItsTerminal() throws Exception {
    TaskView task =
        client.submit(
            shell(
                "printf 'Create notes.txt? (y/n) '; read -r a;"
                    + " [ \"$a\" = y ] && echo \"answer:$a\" > notes.txt",
                null));
    assertThat(task.terminal()).isTrue();

    ApprovalView prompt = awaitPrompt(task.id());
    assertThat(prompt.question()).contains("Create notes.txt? (y/n)");
    assertThat(prompt.screen()).contains("Create notes.txt? (y/n)");
    client.answer(prompt.id(), new ApprovalAnswerRequest("text", null, "y"));

    TaskView done = TaskApiTestSupport.await(client, task.id());
    assertThat(done.state()).as(done.reason()).isEqualTo("succeeded");
    assertThat(client.diff(task.id())).contains("+answer:y");
    assertThat(client.approval(prompt.id()).state()).isEqualTo("answered");
  }

  @Test
  void anUnansweredPromptIsWithdrawnWhenTheTaskIsCancelled() throws Exception {
    TaskView task = client.submit(shell("printf 'Overwrite? [y/N] '; read -r a", null));
    ApprovalView prompt = awaitPrompt(task.id());

    client.cancel(task.id());

    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (client.approval(prompt.id()).state().equals("pending") && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(client.approval(prompt.id()).state()).isNotEqualTo("pending");
    assertThat(TaskApiTestSupport.await(client, task.id()).state()).isEqualTo("cancelled");
  }

  @Test
  void oneClientTakesControlTypesAndResizesWhileOthersOnlyWatch() throws Exception {
    TaskView task =
        client.submit(
            shell(
                "read -r line; echo \"typed:[$line]\" > typed.txt; echo size:$(stty size)", null));
    awaitState(task.id(), "running");
    Output watcher = new Output();
    Output controller = new Output();
    Output second = new Output();
    try (TerminalSession viewer = client.attachTask(task.id(), false, watcher);
        TerminalSession control = client.attachTask(task.id(), true, controller)) {
      viewer.type("viewer-typed\r");
      try (TerminalSession refused = client.attachTask(task.id(), true, second)) {
        assertThat(second.closed.get(30, TimeUnit.SECONDS))
            .startsWith("4409 another client controls this terminal");
      }
      control.resize(65535, 65535); // no screen is that big: ignored, nothing allocated
      control.resize(120, 40);
      control.type("hello\r");

      assertThat(controller.closed.get(60, TimeUnit.SECONDS)).startsWith("1000 task succeeded");
      assertThat(watcher.closed.get(60, TimeUnit.SECONDS)).startsWith("1000 task succeeded");
    }
    assertThat(client.diff(task.id()))
        .as("the viewer's keys were ignored")
        .contains("+typed:[hello]")
        .doesNotContain("viewer-typed");
    assertThat(client.log(task.id(), 0)).contains("size:40 120");
    assertThat(watcher.text()).contains("size:40 120");
  }

  @Test
  void withoutATerminalStdinIsClosedNoPromptIsWatchedAndNobodyTakesControl() throws Exception {
    TaskView task =
        client.submit(
            shell("printf 'Continue? (y/n) '; read -r a || echo got-eof; sleep 3", false));
    assertThat(task.terminal()).isFalse();
    awaitState(task.id(), "running");
    Output refused = new Output();
    try (TerminalSession _ = client.attachTask(task.id(), true, refused)) {
      assertThat(refused.closed.get(30, TimeUnit.SECONDS))
          .startsWith("4409 task " + task.id() + " is not running in a terminal");
    }

    TaskView done = TaskApiTestSupport.await(client, task.id());
    assertThat(done.state()).as(done.reason()).isEqualTo("succeeded");
    assertThat(client.log(task.id(), 0)).contains("Continue? (y/n) got-eof\n");
    assertThat(client.approvals(Optional.empty(), 500).approvals())
        .noneMatch(a -> a.sandbox().equals(task.id()) && a.kind().equals("prompt"));
  }

  @Test
  void aQuietTaskKeepsItsSocketsOpenPastJettysIdleTimeout() throws Exception {
    // Jetty closes a WebSocket after 30 s without traffic; the server pings to keep it.
    TaskView task = client.submit(shell("echo thinking; sleep 36; echo done-thinking", null));
    awaitState(task.id(), "running");
    Output watcher = new Output();
    Output controller = new Output();
    try (TerminalSession _ = client.attachTask(task.id(), false, watcher);
        TerminalSession _ = client.attachTask(task.id(), true, controller)) {
      assertThat(watcher.closed.get(90, TimeUnit.SECONDS)).isEqualTo("1000 task succeeded");
      assertThat(controller.closed.get(90, TimeUnit.SECONDS)).isEqualTo("1000 task succeeded");
    }
    assertThat(watcher.text()).contains("done-thinking");
  }

  @Test
  void controlOfAFinishedTaskIsRefusedWithAReason() throws Exception {
    TaskView task = client.submit(shell("true", null));
    TaskApiTestSupport.await(client, task.id());
    Output refused = new Output();
    try (TerminalSession _ = client.attachTask(task.id(), true, refused)) {
      assertThat(refused.closed.get(30, TimeUnit.SECONDS)).contains("is not running in a terminal");
    }
  }

  private static void awaitState(String id, String state) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!client.task(id).state().equals(state)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("task " + id + " never became " + state + ": " + client.task(id));
      }
      Thread.sleep(20);
    }
  }

  private static ApprovalView awaitPrompt(String task) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      for (ApprovalView view : client.approvals(Optional.of("pending"), 100).approvals()) {
        if (view.kind().equals("prompt") && view.sandbox().equals(task)) {
          return view;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no prompt approval for task " + task + ": " + client.task(task));
  }

  /** What a terminal client received, and how its socket closed ("status reason"). */
  static final class Output implements TerminalSession.Listener {
    private final StringBuilder text = new StringBuilder();
    final CompletableFuture<String> closed = new CompletableFuture<>();

    @Override
    public synchronized void output(byte[] bytes) {
      text.append(new String(bytes, StandardCharsets.UTF_8));
    }

    @Override
    public void closed(int status, String reason) {
      closed.complete(status + " " + reason);
    }

    synchronized String text() {
      return text.toString();
    }
  }
}
