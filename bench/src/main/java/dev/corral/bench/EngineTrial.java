package dev.corral.bench;

import dev.corral.core.ContainerSpec;
import dev.corral.core.HostPath;
import dev.corral.core.SandboxId;
import dev.corral.core.SandboxOutcome;
import dev.corral.core.SandboxSpec;
import dev.corral.core.Stdio;
import dev.corral.engine.Engine;
import dev.corral.engine.Sandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs {@code echo x} in a Corral backend through the engine API, in this JVM: start, first byte of
 * the sandbox's stdout, exit, teardown ({@link Sandbox#close()} is part of the time).
 */
final class EngineTrial implements Trial {
  private static final Duration TIMEOUT = Duration.ofSeconds(ProcessTrial.TIMEOUT_SECONDS);

  private final Engine engine;
  private final HostPath workspace;
  private final String backend;
  private final ContainerSpec container;

  EngineTrial(Engine engine, HostPath workspace, String backend) {
    this(engine, workspace, backend, ContainerSpec.DEFAULT);
  }

  /** A trial whose sandboxes run in {@code container} (image and runtime, for docker). */
  EngineTrial(Engine engine, HostPath workspace, String backend, ContainerSpec container) {
    this.engine = engine;
    this.workspace = workspace;
    this.backend = backend;
    this.container = container;
  }

  @Override
  public Timing run() throws IOException, InterruptedException {
    long start = System.nanoTime();
    SandboxSpec spec =
        SandboxSpec.builder(SandboxId.random(), workspace)
            .command("echo", "x")
            .stdio(Stdio.PIPE)
            .timeout(TIMEOUT)
            .container(container)
            .build();
    long firstByte;
    try (Sandbox sandbox = engine.start(spec, Optional.of(backend))) {
      InputStream out = sandbox.process().stdout();
      int first = out.read();
      firstByte = System.nanoTime() - start;
      out.transferTo(OutputStream.nullOutputStream());
      SandboxOutcome outcome = sandbox.await();
      if (first < 0 || outcome.exitCode() != 0) {
        String err =
            new String(sandbox.process().stderr().readAllBytes(), StandardCharsets.UTF_8).strip();
        throw new IOException(
            "echo x in the "
                + backend
                + " backend "
                + (first < 0 ? "printed nothing, " : "")
                + "ended with "
                + outcome
                + (err.isEmpty() ? "" : ": " + err));
      }
    }
    return new Timing(firstByte, System.nanoTime() - start);
  }
}
