package dev.corral.cli;

import dev.corral.core.Availability;
import dev.corral.core.Backend;
import dev.corral.core.BackendProvider;
import dev.corral.core.Check;
import dev.corral.core.CorralDirs;
import dev.corral.core.EventSink;
import dev.corral.core.SandboxEvent;
import dev.corral.core.SandboxId;
import dev.corral.core.SandboxOutcome;
import dev.corral.core.SandboxProcess;
import dev.corral.core.SandboxSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;

/** A backend of our own port that records what it was asked and plays back a scripted run. */
final class FakeBackend implements Backend, BackendProvider {
  final String name;
  List<Check> checks = List.of(Check.ok("fake", "always works"));
  String stdout = "";
  String stderr = "";
  SandboxOutcome outcome = new SandboxOutcome.Exited(0);
  boolean hangs;
  @Nullable RuntimeException failure;
  @Nullable String warning;
  @Nullable SandboxSpec started;

  /** Like {@code cat}: the scripted process ends only after its stdin was closed. */
  boolean readsStdin;

  final CountDownLatch stdinClosed = new CountDownLatch(1);
  final ByteArrayOutputStream stdin =
      new ByteArrayOutputStream() {
        @Override
        public void close() {
          stdinClosed.countDown();
        }
      };
  final List<Integer> signals = new ArrayList<>();
  boolean closed;

  FakeBackend(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public Availability probe() {
    return new Availability(name, checks);
  }

  @Override
  public Backend create(CorralDirs dirs) {
    return this;
  }

  @Override
  public List<String> reapOrphans() {
    return List.of();
  }

  @Override
  public SandboxProcess start(SandboxSpec spec, EventSink events) {
    if (failure != null) {
      throw failure;
    }
    started = spec;
    if (warning != null) {
      events.accept(new SandboxEvent.Warning(spec.id(), warning));
    }
    return new ScriptedProcess(spec.id());
  }

  private final class ScriptedProcess implements SandboxProcess {
    private final SandboxId id;

    ScriptedProcess(SandboxId id) {
      this.id = id;
    }

    @Override
    public SandboxId id() {
      return id;
    }

    @Override
    public long pid() {
      return 42;
    }

    @Override
    public OutputStream stdin() {
      return stdin;
    }

    @Override
    public InputStream stdout() {
      return new ByteArrayInputStream(stdout.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public InputStream stderr() {
      return new ByteArrayInputStream(stderr.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public SandboxOutcome waitFor() throws InterruptedException {
      if (readsStdin) {
        stdinClosed.await();
      }
      return outcome;
    }

    @Override
    public Optional<SandboxOutcome> waitFor(Duration timeout) throws InterruptedException {
      return hangs ? Optional.empty() : Optional.of(waitFor());
    }

    @Override
    public void signal(int signal) {
      signals.add(signal);
    }

    @Override
    public void kill() {
      outcome = new SandboxOutcome.Signaled(9);
    }

    @Override
    public void resize(int columns, int rows) {}

    @Override
    public void close() {
      closed = true;
    }
  }
}
