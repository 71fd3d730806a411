package dev.corral.tck;

import dev.corral.core.Backend;
import dev.corral.core.EventSink;
import dev.corral.core.FilesystemPolicy;
import dev.corral.core.HostPath;
import dev.corral.core.ResourceLimits;
import dev.corral.core.SandboxId;
import dev.corral.core.SandboxOutcome;
import dev.corral.core.SandboxProcess;
import dev.corral.core.SandboxSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the contract suites share: the backend under test, a fake user home holding fake
 * credentials, a workspace inside that home (the usual layout: {@code ~/src/project}), and helpers
 * that run a command in a sandbox to completion. A backend's test supplies the backend through one
 * of the suites that extend this class ({@link BackendContract}, {@link NetworkContract}).
 */
public abstract class SandboxFixture {
  /** The backend under test; called once per test. */
  protected abstract Backend backend();

  /** Skips or fails (in CI) when the backend cannot run on this host. */
  protected abstract void requireBackend();

  @TempDir protected Path temp;
  protected Path home;
  protected Path workspace;

  @BeforeEach
  void createFixture() throws IOException {
    requireBackend();
    home = Files.createDirectories(temp.resolve("home"));
    Files.createDirectories(home.resolve(".ssh"));
    Files.writeString(home.resolve(".ssh/id_rsa"), "-----BEGIN FAKE PRIVATE KEY-----\n");
    Files.createDirectories(home.resolve(".aws"));
    Files.writeString(home.resolve(".aws/credentials"), "aws_secret_access_key=FAKE\n");
    Files.writeString(home.resolve(".netrc"), "machine example.com password FAKE\n");
    workspace = Files.createDirectories(home.resolve("src/project"));
    Files.createDirectories(workspace.resolve(".git/hooks"));
    Files.writeString(workspace.resolve(".git/config"), "[core]\n\tbare = false\n");
    Files.writeString(workspace.resolve("README"), "hello\n");
  }

  /** A spec for {@code sh -c script} in the fixture workspace with the fixture's home policy. */
  protected SandboxSpec.Builder sh(String script) {
    return SandboxSpec.builder(SandboxId.random(), HostPath.of(workspace))
        .command("/bin/sh", "-c", script)
        .filesystem(FilesystemPolicy.defaults(HostPath.of(home), List.of()))
        .limits(ResourceLimits.DEFAULT.withMemoryBytes(ResourceLimits.parseSize("1g")));
  }

  protected Run run(SandboxSpec spec) {
    return run(spec, in -> {});
  }

  /** Runs to completion (at most 60 s), feeding stdin through {@code input}. */
  protected Run run(SandboxSpec spec, Consumer<SandboxProcess> input) {
    try (SandboxProcess process = backend().start(spec, EventSink.NONE)) {
      CompletableFuture<String> out = drain(process.stdout());
      CompletableFuture<String> err = drain(process.stderr());
      input.accept(process);
      process.stdin().close();
      Optional<SandboxOutcome> outcome = process.waitFor(Duration.ofSeconds(60));
      if (outcome.isEmpty()) {
        process.kill();
      }
      return new Run(
          outcome.orElseGet(() -> new SandboxOutcome.TimedOut(Duration.ofSeconds(60))),
          out.join(),
          err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  protected static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "<" + e + ">";
          }
        },
        r -> Thread.ofVirtual().start(r));
  }

  protected Run sandboxed(String script) {
    return run(sh(script).build());
  }
}
