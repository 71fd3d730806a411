package dev.corral.cli;

import dev.corral.api.TaskView;
import dev.corral.client.CorralClient;
import dev.corral.client.TerminalSession;
import dev.corral.core.ConflictException;
import dev.corral.core.EnvironmentException;
import dev.corral.core.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code corral task attach}: a running task's terminal, from the user's terminal. */
@Command(
    name = "attach",
    mixinStandardHelpOptions = true,
    description = {
      "Attach to a running task's terminal and type into it (one client at a time).",
      "Prints the output from the task's first byte; waits while the task is queued.",
      "Your terminal goes raw: every key, Ctrl-C included, goes to the agent.",
      "Ctrl-] detaches; the task keeps running. Input that is not a terminal is",
      "typed as it is read.",
      "Exit code: the agent's once the task ends (124: timed out, 130: cancelled);",
      "0 when detached."
    })
final class TaskAttach implements Callable<Integer> {
  /** Ctrl-], the detach key (as in telnet). */
  static final int DETACH = 0x1d;

  private static final System.Logger LOG = System.getLogger(TaskAttach.class.getName());
  private static final long POLL_MILLIS = 100;
  private static final java.util.Set<String> WAITING = java.util.Set.of("queued", "preparing");
  private static final java.util.Set<String> ENDED =
      java.util.Set.of("succeeded", "failed", "cancelled", "timed_out");

  private final CliContext ctx;

  @Mixin ServerOptions server = new ServerOptions();

  @Parameters(paramLabel = "TASK", description = "Task id.")
  String id = "";

  @Option(names = "--read-only", description = "Watch the terminal without taking control.")
  boolean readOnly;

  @Spec
  @SuppressWarnings("NullAway.Init")
  CommandSpec spec;

  private volatile boolean detached;

  TaskAttach(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() throws InterruptedException {
    CorralClient client = server.client(ctx);
    PrintWriter out = spec.commandLine().getOut();
    CompletableFuture<String> closed = new CompletableFuture<>();
    TerminalSession.Listener listener =
        new TerminalSession.Listener() {
          @Override
          public void output(byte[] bytes) {
            // The server sends whole UTF-8 text frames.
            out.print(new String(bytes, StandardCharsets.UTF_8));
            out.flush();
          }

          @Override
          public void closed(int status, String reason) {
            closed.complete(status + " " + reason);
          }
        };
    TaskView task = untilStarted(client);
    if (ENDED.contains(task.state())) {
      return replay(client, listener, closed);
    }
    boolean raw = !readOnly && ctx.streams().inherited() && ctx.streams().terminal();
    // Raw mode starts before the first output arrives, so the terminal never adds its own CRs.
    try (RawTerminal terminal = raw ? RawTerminal.open(this) : null;
        TerminalSession session =
            ServerOptions.call(() -> client.attachTask(id, !readOnly, listener))) {
      if (terminal != null) {
        terminal.typeInto(session, closed);
      } else if (!readOnly) {
        Thread.ofVirtual().name("corral-attach-in").start(() -> typeFromStdin(session));
      }
      String end = await(closed);
      if (detached) {
        spec.commandLine().getErr().println("corral: detached; task " + id + " keeps running");
        return 0;
      }
      return exit(client, end, task, listener);
    }
  }

  /** A task that ended has no terminal to control: its output, then the agent's exit code. */
  private int replay(
      CorralClient client, TerminalSession.Listener listener, CompletableFuture<String> closed)
      throws InterruptedException {
    try (TerminalSession _ = ServerOptions.call(() -> client.attachTask(id, false, listener))) {
      var _ = await(closed);
    }
    return TaskActions.Logs.exitCode(ServerOptions.call(() -> client.task(id)));
  }

  /** The task once it left the queue (attaching earlier would find no terminal). */
  private TaskView untilStarted(CorralClient client) throws InterruptedException {
    TaskView task = ServerOptions.call(() -> client.task(id));
    if (WAITING.contains(task.state())) {
      spec.commandLine()
          .getErr()
          .println("corral: task " + id + " is " + task.state() + "; waiting");
    }
    while (WAITING.contains(task.state())) {
      Thread.sleep(POLL_MILLIS);
      task = ServerOptions.call(() -> client.task(id));
    }
    return task;
  }

  private static String await(CompletableFuture<String> closed) throws InterruptedException {
    try {
      return closed.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /** The agent's exit code once the server closed the socket because the task ended. */
  private int exit(
      CorralClient client, String end, TaskView task, TerminalSession.Listener listener)
      throws InterruptedException {
    if (end.startsWith("4404 ")) {
      throw new NotFoundException("no task " + id, "list the tasks with `corral task ls`");
    }
    TaskView now = ServerOptions.call(() -> client.task(id));
    if (end.startsWith("4409 ")) {
      if (ENDED.contains(now.state())) {
        // It ended between our look and the attach: show what it printed.
        return replay(client, listener, new CompletableFuture<>());
      }
      throw new ConflictException(
          end.substring(5),
          task.terminal()
              ? "watch it with `corral task attach --read-only " + id + "`"
              : "the task runs without a terminal; follow it with `corral task logs -f "
                  + id
                  + "`");
    }
    if (!ENDED.contains(now.state())) {
      throw new EnvironmentException(
          "lost the connection to task " + id + " (" + end + "); it is still " + now.state(),
          "attach again with `corral task attach " + id + "`");
    }
    return TaskActions.Logs.exitCode(now);
  }

  /** The user's terminal in raw mode: keys go to the task, the window size follows. */
  private final class RawTerminal implements AutoCloseable {
    private final Terminal terminal;
    private final Attributes saved;

    private RawTerminal(Terminal terminal) {
      this.terminal = terminal;
      this.saved = terminal.enterRawMode();
      terminal.setAttributes(TerminalAttachment.raw(saved));
    }

    static RawTerminal open(TaskAttach attach) {
      try {
        return attach
        .new RawTerminal(
            TerminalBuilder.builder().system(true).dumb(false).nativeSignals(true).build());
      } catch (IOException | IllegalStateException e) {
        throw new EnvironmentException(
            "cannot open the terminal: " + e.getMessage(), "use --read-only, or pipe the input", e);
      }
    }

    void typeInto(TerminalSession session, CompletableFuture<String> closed)
        throws InterruptedException {
      Terminal.SignalHandler winch =
          terminal.handle(Terminal.Signal.WINCH, signal -> resize(session));
      try {
        resize(session);
        Thread keys =
            Thread.ofVirtual()
                .name("corral-attach-keys")
                .start(() -> copyKeys(terminal.input(), session, closed));
        var _ = closed.handle((status, e) -> status).join();
        keys.join();
      } finally {
        terminal.handle(Terminal.Signal.WINCH, winch);
      }
    }

    private void resize(TerminalSession session) {
      var size = terminal.getSize();
      if (size.getColumns() > 0 && size.getRows() > 0) {
        session.resize(size.getColumns(), size.getRows());
      }
    }

    @Override
    public void close() {
      terminal.setAttributes(saved);
      terminal.flush();
      try {
        terminal.close();
      } catch (IOException e) {
        LOG.log(Level.DEBUG, "cannot close the terminal", e);
      }
    }
  }

  private void copyKeys(InputStream in, TerminalSession session, CompletableFuture<String> closed) {
    byte[] buffer = new byte[4096];
    try {
      while (!closed.isDone()) {
        int n = TerminalAttachment.readKeys(in, buffer);
        if (n == 0) {
          continue;
        }
        if (n < 0) {
          return;
        }
        int detach = indexOf(buffer, n, DETACH);
        if (detach >= 0) {
          if (detach > 0) {
            session.send(Arrays.copyOf(buffer, detach));
          }
          detached = true;
          closed.complete("detached");
          return;
        }
        session.send(Arrays.copyOf(buffer, n));
      }
    } catch (IOException | RuntimeException e) {
      // The socket broke: end the attach rather than wait with the terminal raw.
      LOG.log(Level.DEBUG, "stopped reading keys", e);
      closed.complete("1006 connection lost: " + e);
    }
  }

  private static int indexOf(byte[] buffer, int length, int value) {
    for (int i = 0; i < length; i++) {
      if (buffer[i] == value) {
        return i;
      }
    }
    return -1;
  }

  /** Standard input that is not a terminal, typed as it is read (until its end). */
  private void typeFromStdin(TerminalSession session) {
    byte[] buffer = new byte[4096];
    try {
      InputStream in = ctx.streams().in();
      for (int n; (n = in.read(buffer)) >= 0; ) {
        if (n > 0) {
          session.send(Arrays.copyOf(buffer, n));
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, "stopped typing standard input", e);
    }
  }
}
