package dev.corral.bench;

import dev.corral.core.ContainerSpec;
import dev.corral.core.CorralDirs;
import dev.corral.core.EventSink;
import dev.corral.core.HostPath;
import dev.corral.core.ImageSource;
import dev.corral.engine.Engine;
import dev.corral.nativebackend.NativeBackendProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;

/**
 * Measures create → first output byte → exit, side by side in one run, for: (a) bare bubblewrap,
 * (b) Corral's native backend through the engine in process, (c) {@code corral run} as a process,
 * (d) {@code corral --version}, (e) {@code docker run} when Docker works, (f) Corral's docker
 * backend with runc on the same image, (g) {@code docker run --runtime runsc} and (h) the docker
 * backend with gVisor. Rows that cannot run here are reported as skipped with the reason. Prints
 * the table and writes it into {@code docs/benchmarks.md}.
 */
public final class StartupBench {
  private final BenchOptions options;
  private final Path workspace;
  private final ScheduledExecutorService watchdog;

  private StartupBench(BenchOptions options, Path workspace, ScheduledExecutorService watchdog) {
    this.options = options;
    this.workspace = workspace;
    this.watchdog = watchdog;
  }

  public static void main(String[] args) throws Exception {
    BenchOptions options = BenchOptions.parse(args);
    Path workspace = Files.createTempDirectory("corral-bench-ws-");
    ScheduledExecutorService watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("bench-watchdog").daemon().unstarted(r));
    try {
      List<Result> results = new StartupBench(options, workspace, watchdog).run();
      String section =
          new BenchReport(results)
              .markdown(Machine.describe(), options.iterations(), options.warmup());
      System.out.println(section);
      if (options.write()) {
        BenchReport.write(options.output(), section);
        System.out.println("written to " + options.output());
      }
    } finally {
      watchdog.shutdownNow();
      deleteTree(workspace);
    }
  }

  private List<Result> run() throws IOException, InterruptedException {
    List<Result> skipped = new ArrayList<>();
    List<Scenario> scenarios = new ArrayList<>();
    addScenarios(scenarios, skipped);
    List<Result> results = new ArrayList<>(skipped);
    results.addAll(new Runner(options.iterations(), options.warmup()).run(scenarios));
    results.sort(Comparator.comparing(r -> r.scenario().key()));
    return results;
  }

  private void addScenarios(List<Scenario> scenarios, List<Result> skipped) throws IOException {
    scenarios.add(
        new Scenario(
            "a",
            "bare `bwrap --ro-bind / / --unshare-all --die-with-parent echo x`",
            process(
                "bwrap",
                "--ro-bind",
                "/",
                "/",
                "--unshare-all",
                "--die-with-parent",
                "echo",
                "x")));
    // Backends are created on first use; create both now, the second with one warm slot.
    Engine cold = Engine.load(CorralDirs.current(), EventSink.NONE);
    cold.backend(Optional.of("native"));
    System.setProperty(NativeBackendProvider.WARM_SLOTS_PROPERTY, "1");
    Engine warm = Engine.load(CorralDirs.current(), EventSink.NONE);
    warm.backend(Optional.of("native"));
    System.clearProperty(NativeBackendProvider.WARM_SLOTS_PROPERTY);
    scenarios.add(
        new Scenario(
            "b",
            "Corral native backend, engine API in process (cold start)",
            new EngineTrial(cold, HostPath.of(workspace), "native")));
    scenarios.add(
        new Scenario(
            "b2",
            "Corral native backend, engine API in process, one warm launcher (server mode)",
            new EngineTrial(warm, HostPath.of(workspace), "native")));
    String corral = options.corral().toString();
    Scenario run =
        new Scenario(
            "c",
            "`corral run -- echo x` (whole process)",
            process(corral, "run", "--", "echo", "x"));
    Scenario version =
        new Scenario("d", "`corral --version` (whole process)", process(corral, "--version"));
    if (Files.isRegularFile(options.jar())) {
      scenarios.add(run);
      scenarios.add(version);
    } else {
      String why = options.jar() + " not built yet";
      skipped.add(new Result.Skipped(run, why));
      skipped.add(new Result.Skipped(version, why));
    }
    String image =
        System.getenv().getOrDefault("BENCH_DOCKER_IMAGE", "corral-test/debian:bookworm");
    Scenario docker =
        new Scenario(
            "e",
            "`docker run --rm --network none " + image + " echo x`",
            process("docker", "run", "--rm", "--network", "none", image, "echo", "x"));
    Optional<String> noDocker = Docker.unavailable(image);
    Scenario dockerBackend =
        new Scenario(
            "f",
            "Corral docker backend (runc), engine API in process, image " + image,
            new EngineTrial(cold, HostPath.of(workspace), "docker", container(image, "runc")));
    Scenario gvisorBare =
        new Scenario(
            "g",
            "`docker run --rm --runtime runsc --network none " + image + " echo x`",
            process(
                "docker",
                "run",
                "--rm",
                "--runtime",
                "runsc",
                "--network",
                "none",
                image,
                "echo",
                "x"));
    Scenario gvisorBackend =
        new Scenario(
            "h",
            "Corral docker backend (gVisor runsc), engine API in process",
            new EngineTrial(cold, HostPath.of(workspace), "docker", container(image, "runsc")));
    for (Scenario s : List.of(docker, dockerBackend)) {
      noDocker.ifPresentOrElse(
          why -> skipped.add(new Result.Skipped(s, why)), () -> scenarios.add(s));
    }
    Optional<String> noGvisor = noDocker.or(() -> Docker.withoutRuntime("runsc"));
    for (Scenario s : List.of(gvisorBare, gvisorBackend)) {
      noGvisor.ifPresentOrElse(
          why -> skipped.add(new Result.Skipped(s, why)), () -> scenarios.add(s));
    }
  }

  private static ContainerSpec container(String image, String runtime) {
    return ContainerSpec.DEFAULT
        .withImage(new ImageSource.Named(image))
        .withRuntime(Optional.of(runtime));
  }

  private ProcessTrial process(String... command) throws IOException {
    return new ProcessTrial(List.of(command), workspace, watchdog);
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
