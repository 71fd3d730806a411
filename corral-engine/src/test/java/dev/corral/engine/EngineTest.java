package dev.corral.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.corral.core.Availability;
import dev.corral.core.Backend;
import dev.corral.core.BackendProvider;
import dev.corral.core.Check;
import dev.corral.core.CorralDirs;
import dev.corral.core.EnvironmentException;
import dev.corral.core.EventSink;
import dev.corral.core.HostPath;
import dev.corral.core.SandboxEvent;
import dev.corral.core.SandboxId;
import dev.corral.core.SandboxOutcome;
import dev.corral.core.SandboxProcess;
import dev.corral.core.SandboxSpec;
import dev.corral.core.UsageException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineTest {
  @TempDir Path temp;
  private final List<SandboxEvent> events = new CopyOnWriteArrayList<>();

  private Engine engine(BackendProvider... providers) {
    return new Engine(
        List.of(providers), CorralDirs.from(Map.of(), HostPath.of(temp)), events::add);
  }

  private SandboxSpec spec(Duration timeout) {
    return SandboxSpec.builder(SandboxId.of("calm-yak-0001"), HostPath.of(temp))
        .command("true")
        .timeout(timeout)
        .build();
  }

  @Test
  void picksTheBestUsableBackend() {
    Engine engine =
        engine(new FakeProvider("slow", 1, true, 0), new FakeProvider("fast", 9, true, 0));
    assertThat(engine.backend(Optional.empty()).name()).isEqualTo("fast");
  }

  @Test
  void explainsEveryFailureWhenNoBackendCanRun() {
    Engine engine =
        engine(new FakeProvider("one", 1, false, 0), new FakeProvider("two", 2, false, 0));
    assertThatThrownBy(() -> engine.backend(Optional.empty()))
        .isInstanceOf(EnvironmentException.class)
        .hasMessage("no backend can run here: two: thing broken on two; one: thing broken on one")
        .satisfies(
            e ->
                assertThat(((EnvironmentException) e).hint())
                    .contains("fix two; fix one; run `corral doctor`"));
  }

  @Test
  void rejectsAnUnknownBackendName() {
    Engine engine = engine(new FakeProvider("native", 1, true, 0));
    assertThatThrownBy(() -> engine.backend(Optional.of("vm")))
        .isInstanceOf(UsageException.class)
        .hasMessage("unknown backend 'vm'");
  }

  @Test
  void passesTheExitCodeAndReportsEvents() throws Exception {
    Engine engine = engine(new FakeProvider("native", 1, true, 3));
    assertThat(engine.run(spec(Duration.ofMinutes(1)), Optional.empty()))
        .isEqualTo(new SandboxOutcome.Exited(3));
    assertThat(events).first().isInstanceOf(SandboxEvent.Starting.class);
    assertThat(events).last().isInstanceOf(SandboxEvent.Finished.class);
  }

  @Test
  void killsTheSandboxWhenTheTimeoutRunsOut() throws Exception {
    FakeProvider provider = new FakeProvider("native", 1, true, -1);
    Engine engine = engine(provider);
    assertThat(engine.run(spec(Duration.ofMillis(50)), Optional.empty()))
        .isEqualTo(new SandboxOutcome.TimedOut(Duration.ofMillis(50)));
    assertThat(provider.process.killed.getCount()).isZero();
  }

  @Test
  void refusesTheRootDirectoryAsWorkspace() {
    Engine engine = engine(new FakeProvider("native", 1, true, 0));
    SandboxSpec spec = SandboxSpec.builder(SandboxId.random(), HostPath.of("/")).build();
    assertThatThrownBy(() -> engine.start(spec, Optional.empty()))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("refusing to use / as the workspace");
  }

  @Test
  void refusesAMissingWorkspace() {
    Engine engine = engine(new FakeProvider("native", 1, true, 0));
    SandboxSpec spec =
        SandboxSpec.builder(SandboxId.random(), HostPath.of(temp.resolve("gone"))).build();
    assertThatThrownBy(() -> engine.start(spec, Optional.empty()))
        .isInstanceOf(UsageException.class)
        .hasMessage("workspace does not exist: " + temp.resolve("gone"));
  }

  @Test
  void aBackendThatNeverAnswersDoesNotStallReapingOrAStart() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    FakeProvider stuck = new FakeProvider("docker", 9, true, 0);
    stuck.reap =
        () -> {
          try {
            never.await(); // a container runtime stuck on a container
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return List.of();
        };
    FakeProvider fine = new FakeProvider("native", 1, true, 0);
    fine.reap = () -> List.of("runtime directory of sandbox gone-yak-0001");
    Engine engine = engine(stuck, fine);
    engine.reapDeadline(Duration.ofMillis(200));

    assertThatThrownBy(engine::reapOrphans)
        .isInstanceOf(EnvironmentException.class)
        .hasMessage(
            "the docker backend did not finish removing orphaned sandboxes within 200 ms; it goes"
                + " on in the background");
    assertThat(events)
        .as("the other backend still reaped")
        .contains(
            new SandboxEvent.OrphanReaped("native", "runtime directory of sandbox gone-yak-0001"));

    // The first start reaps too: it warns and starts.
    assertThat(engine.run(spec(Duration.ofMinutes(1)), Optional.of("docker")))
        .isEqualTo(new SandboxOutcome.Exited(0));
    assertThat(events)
        .anySatisfy(
            e ->
                assertThat(e)
                    .isInstanceOfSatisfying(
                        SandboxEvent.Warning.class,
                        w -> assertThat(w.message()).contains("docker backend did not finish")));
    never.countDown();
  }

  /** A backend whose process exits with {@code code}, or runs until killed when code is -1. */
  private static final class FakeProvider implements BackendProvider {
    private final String name;
    private final int priority;
    private final boolean usable;
    private final FakeProcess process;
    volatile java.util.function.Supplier<List<String>> reap = List::of;

    FakeProvider(String name, int priority, boolean usable, int code) {
      this.name = name;
      this.priority = priority;
      this.usable = usable;
      this.process = new FakeProcess(code);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int priority() {
      return priority;
    }

    @Override
    public Availability probe() {
      return new Availability(
          name,
          List.of(
              usable
                  ? Check.ok("thing", "fine")
                  : Check.fail("thing", "broken on " + name, "fix " + name)));
    }

    @Override
    public Backend create(CorralDirs dirs) {
      return new Backend() {
        @Override
        public String name() {
          return name;
        }

        @Override
        public SandboxProcess start(SandboxSpec spec, EventSink events) {
          return process;
        }

        @Override
        public List<String> reapOrphans() {
          return reap.get();
        }
      };
    }
  }

  private static final class FakeProcess implements SandboxProcess {
    private final int code;
    final CountDownLatch killed = new CountDownLatch(1);

    FakeProcess(int code) {
      this.code = code;
    }

    @Override
    public SandboxId id() {
      return SandboxId.of("fake");
    }

    @Override
    public long pid() {
      return 1;
    }

    @Override
    public OutputStream stdin() {
      return OutputStream.nullOutputStream();
    }

    @Override
    public InputStream stdout() {
      return InputStream.nullInputStream();
    }

    @Override
    public InputStream stderr() {
      return InputStream.nullInputStream();
    }

    @Override
    public SandboxOutcome waitFor() throws InterruptedException {
      if (code < 0) {
        killed.await();
        return new SandboxOutcome.Signaled(9);
      }
      return new SandboxOutcome.Exited(code);
    }

    @Override
    public Optional<SandboxOutcome> waitFor(Duration timeout) throws InterruptedException {
      if (code < 0) {
        return killed.await(timeout.toNanos(), TimeUnit.NANOSECONDS)
            ? Optional.of(new SandboxOutcome.Signaled(9))
            : Optional.empty();
      }
      return Optional.of(new SandboxOutcome.Exited(code));
    }

    @Override
    public void signal(int signal) {}

    @Override
    public void kill() {
      killed.countDown();
    }

    @Override
    public void resize(int columns, int rows) {}

    @Override
    public void close() {}
  }
}
