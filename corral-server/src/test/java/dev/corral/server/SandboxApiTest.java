package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.api.ApprovalAnswerRequest;
import dev.corral.api.ApprovalView;
import dev.corral.api.ExecEvent;
import dev.corral.api.LogEnd;
import dev.corral.api.SandboxRequest;
import dev.corral.api.SandboxView;
import dev.corral.client.CorralApiException;
import dev.corral.client.CorralClient;
import dev.corral.client.TerminalSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sandboxes over the API: the real server, native backend and client. */
class SandboxApiTest {
  @TempDir static Path temp;
  static ServerFixture fixture;
  static CorralClient client;

  @BeforeAll
  static void start() {
    fixture = ServerFixture.start(temp, 1);
    client = fixture.client;
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  static Path workspace(String name) throws Exception {
    return Files.createDirectories(temp.resolve("ws-" + name));
  }

  static SandboxRequest piped(String name, Path workspace, String script) {
    return new SandboxRequest(
        name,
        workspace.toString(),
        List.of("sh", "-c", script),
        false,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  static void expectStatus(Runnable call, int status, String detail) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            CorralApiException.class,
            e -> {
              assertThat(e.status()).isEqualTo(status);
              assertThat(e.problem().detail()).contains(detail);
            });
  }

  @Test
  void aSandboxCannotReadTheServersTokenOrStoreEvenFromAWorkspaceAroundThem() throws Exception {
    Path token = CorralServer.tokenFile(fixture.data);
    assertThat(token).as("control: the token is there on the host").isRegularFile();
    String secret = Files.readString(token).strip();
    // The workspace contains the server's data directory: it is hidden there too.
    client.createSandbox(
        piped(
            "thief",
            temp,
            "cat "
                + token
                + " "
                + fixture.data.resolve("store.db")
                + " "
                + temp.relativize(token)
                + " 2>/dev/null; ls -A "
                + fixture.data
                + " 2>/dev/null; echo done"));
    try {
      StringBuilder seen = new StringBuilder();
      client.followSandbox("thief", 0, c -> seen.append(c.text()));
      assertThat(seen.toString()).doesNotContain(secret).isEqualTo("done\n");
    } finally {
      client.removeSandbox("thief");
    }
  }

  @Test
  void createsListsStreamsStopsAndRemovesASandbox() throws Exception {
    SandboxView created =
        client.createSandbox(piped("lifecycle", workspace("life"), "echo ready; exec sleep 60"));
    assertThat(created.state()).isEqualTo("running");
    assertThat(created.backend()).isEqualTo("native");
    assertThat(client.sandboxes()).extracting(SandboxView::name).contains("lifecycle");
    expectStatus(
        () -> client.createSandbox(piped("lifecycle", temp, "true")),
        409,
        "a sandbox named lifecycle exists");

    StringBuilder seen = new StringBuilder();
    CompletableFuture<LogEnd> end =
        CompletableFuture.supplyAsync(
            () -> client.followSandbox("lifecycle", 0, c -> seen.append(c.text())));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!seen.toString().contains("ready") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(seen.toString()).isEqualTo("ready\n");

    SandboxView stopped = client.stopSandbox("lifecycle");
    assertThat(stopped.state()).isEqualTo("stopped");
    assertThat(stopped.exitCode()).isEqualTo(143);
    assertThat(end.get(30, TimeUnit.SECONDS).state()).isEqualTo("stopped");

    client.removeSandbox("lifecycle");
    expectStatus(() -> client.sandbox("lifecycle"), 404, "no sandbox lifecycle");
  }

  @Test
  void pauseAndResumeAreAClearConflictOnTheNativeBackend() throws Exception {
    client.createSandbox(piped("pausing", workspace("pause"), "exec sleep 60"));
    try {
      expectStatus(
          () -> client.pauseSandbox("pausing"), 409, "the native backend cannot pause a sandbox");
      expectStatus(
          () -> client.resumeSandbox("pausing"), 409, "the native backend cannot resume a sandbox");
    } finally {
      client.removeSandbox("pausing");
    }
  }

  @Test
  void uploadsExecsAndDownloadsInTheWorkspace() throws Exception {
    Path ws = workspace("exec");
    client.createSandbox(piped("execing", ws, "exec sleep 60"));
    try {
      client.upload("execing", "in/data.txt", "uploaded ✓\n".getBytes(StandardCharsets.UTF_8));
      List<ExecEvent> events = new ArrayList<>();
      int code =
          client.exec(
              "execing",
              List.of("sh", "-c", "cat in/data.txt; echo oops >&2; echo made > out.txt; exit 4"),
              events::add);
      assertThat(code).isEqualTo(4);
      assertThat(text(events, "stdout")).isEqualTo("uploaded ✓\n");
      assertThat(text(events, "stderr")).isEqualTo("oops\n");
      assertThat(new String(client.download("execing", "out.txt"), StandardCharsets.UTF_8))
          .isEqualTo("made\n");
    } finally {
      client.removeSandbox("execing");
    }
  }

  private static String text(List<ExecEvent> events, String stream) {
    StringBuilder text = new StringBuilder();
    events.stream().filter(e -> stream.equals(e.stream())).forEach(e -> text.append(e.text()));
    return text.toString();
  }

  @Test
  void fileTransfersStayInsideTheWorkspaceWhateverTheAgentPlanted() throws Exception {
    Path ws = workspace("files");
    Path outside = Files.createDirectories(temp.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "host secret");
    Files.createSymbolicLink(ws.resolve("escape"), outside);
    Files.createSymbolicLink(ws.resolve("secret-link"), outside.resolve("secret"));
    client.createSandbox(piped("files", ws, "exec sleep 60"));
    try {
      for (String path :
          new String[] {
            "../outside/secret",
            "/etc/passwd",
            "escape/secret",
            "secret-link",
            "a/../../outside/secret",
            ""
          }) {
        assertThatThrownBy(() -> client.download("files", path))
            .as(path)
            .isInstanceOfSatisfying(
                CorralApiException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(
                () -> client.upload("files", path, "pwned".getBytes(StandardCharsets.UTF_8)))
            .as(path)
            .isInstanceOfSatisfying(
                CorralApiException.class, e -> assertThat(e.status()).isEqualTo(400));
      }
      assertThat(Files.readString(outside.resolve("secret"))).isEqualTo("host secret");
      assertThat(outside.resolve("pwned")).doesNotExist();
    } finally {
      client.removeSandbox("files");
    }
  }

  @Test
  void aTerminalHasOneControllerAndReadOnlyViewers() throws Exception {
    Path ws = workspace("tty");
    client.createSandbox(
        new SandboxRequest(
            "tty",
            ws.toString(),
            List.of("sh", "-c", "while read -r line; do eval \"$line\"; done"),
            true,
            null,
            null,
            null,
            null,
            null,
            null,
            null));
    Screen controller = new Screen();
    Screen viewer = new Screen();
    try (TerminalSession control = client.terminal("tty", true, controller);
        TerminalSession watch = client.terminal("tty", false, viewer)) {
      Screen intruder = new Screen();
      client.terminal("tty", true, intruder);
      assertThat(intruder.closed.get(30, TimeUnit.SECONDS))
          .startsWith("4409 another client controls");

      watch.type("touch viewer-was-here\n");
      control.resize(101, 33);
      control.type("stty size; echo mark-$((40+2))\n");
      controller.await(s -> s.contains("mark-42"));
      viewer.await(s -> s.contains("mark-42"));
      assertThat(controller.text()).contains("33 101");
      assertThat(ws.resolve("viewer-was-here")).as("viewers cannot type").doesNotExist();

      control.type("exit 5\n");
      assertThat(viewer.closed.get(30, TimeUnit.SECONDS))
          .as(viewer.text())
          .isEqualTo("1000 sandbox exited (exit 5)");
    } finally {
      client.removeSandbox("tty");
    }
  }

  @Test
  void aPromptInATerminalBecomesAnApprovalAndItsAnswerIsTyped() throws Exception {
    client.createSandbox(
        new SandboxRequest(
            "asker",
            workspace("asker").toString(),
            List.of("sh", "-c", "printf 'Continue? (y/n) '; read -r a; echo \"read:[$a]\""),
            true,
            null,
            null,
            null,
            null,
            null,
            null,
            null));
    try {
      ApprovalView prompt = awaitPrompt("asker");
      assertThat(prompt.question()).contains("Continue? (y/n)");
      assertThat(prompt.screen()).contains("Continue? (y/n)");

      client.answer(prompt.id(), new ApprovalAnswerRequest("text", null, "y"));

      StringBuilder seen = new StringBuilder();
      LogEnd end = client.followSandbox("asker", 0, c -> seen.append(c.text()));
      assertThat(end.state()).isEqualTo("exited");
      assertThat(seen.toString()).contains("read:[y]");
      assertThat(client.approval(prompt.id()).state()).isEqualTo("answered");
    } finally {
      client.removeSandbox("asker");
    }
  }

  @Test
  void aPromptIsWithdrawnWhenTheSandboxEndsUnanswered() throws Exception {
    client.createSandbox(
        new SandboxRequest(
            "quitter",
            workspace("quitter").toString(),
            List.of("sh", "-c", "printf 'Overwrite file? [y/N] '; read -r a"),
            true,
            null,
            null,
            null,
            null,
            null,
            null,
            null));
    try {
      ApprovalView prompt = awaitPrompt("quitter");
      client.stopSandbox("quitter");
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (client.approval(prompt.id()).state().equals("pending")
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(client.approval(prompt.id()).state()).isNotEqualTo("pending");
    } finally {
      client.removeSandbox("quitter");
    }
  }

  private static ApprovalView awaitPrompt(String sandbox) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      for (ApprovalView view : client.approvals(Optional.of("pending"), 100).approvals()) {
        if (view.kind().equals("prompt") && view.sandbox().equals(sandbox)) {
          return view;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no prompt approval for " + sandbox + " within 30 s");
  }

  static final class Screen implements TerminalSession.Listener {
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

    void await(Predicate<String> done) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!done.test(text()) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(text()).matches(done);
    }
  }
}
