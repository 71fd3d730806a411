package dev.corral.workspace;

import dev.corral.core.EnvironmentException;
import dev.corral.core.FilesystemPolicy;
import dev.corral.core.HostPath;
import dev.corral.core.Mount;
import dev.corral.core.NetworkMode;
import dev.corral.core.SandboxException;
import dev.corral.core.SandboxId;
import dev.corral.core.SandboxOutcome;
import dev.corral.core.SandboxPath;
import dev.corral.core.SandboxSpec;
import dev.corral.core.Stdio;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Saves a clone's work when its sandbox stops: commits whatever is uncommitted to the branch and
 * writes the branch as a bundle, all inside a sandbox (no network, only the clone writable, the
 * user's objects read-only), because git in an agent-controlled clone runs whatever the agent
 * planted. The host then reads only two plain files from a directory it created: the tip's id and
 * the bundle.
 */
final class Saver {
  static final String OUT = "/corral-out";
  private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");

  /**
   * Arguments: base commit, author e-mail (the agent or command), output directory. Hooks,
   * fsmonitor and signing are switched off on the command line, which wins over any config the
   * agent wrote.
   */
  static final String SCRIPT =
      """
      base="$1"; who="$2"; out="$3"
      exec >"$out/log" 2>&1
      g() {
        git -c core.hooksPath=/dev/null -c core.fsmonitor=false -c commit.gpgsign=false \\
          -c user.name=corral -c user.email="$who" "$@"
      }
      g add -A -- . || exit 10
      if ! g diff --cached --quiet; then
        g commit -q --no-verify -m "corral: work of $who left uncommitted when the sandbox stopped" \\
          || exit 11
      fi
      tip=$(g rev-parse --verify -q 'HEAD^{commit}') || exit 12
      printf '%s\\n' "$tip" > "$out/tip"
      if [ "$tip" != "$base" ]; then
        g bundle create "$out/tip.bundle" HEAD "^$base" || exit 13
      fi
      """;

  private final WorkspaceStore store;

  Saver(WorkspaceStore store) {
    this.store = store;
  }

  /** Saves the work of {@code meta}'s clone and returns the metadata of the stopped workspace. */
  Metadata save(Metadata meta, SandboxRunner runner) throws InterruptedException {
    Path out = store.out(meta.name());
    WorkspaceStore.delete(out);
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new EnvironmentException("cannot create " + out + ": " + e.getMessage(), null, e);
    }
    SandboxOutcome outcome = runner.run(spec(meta, out));
    String tip = readSmall(out.resolve("tip"));
    if (outcome.exitCode() != 0 || tip == null || !SHA.matcher(tip).matches()) {
      String log = readSmall(out.resolve("log"));
      throw new SandboxException(
          "could not save the work of "
              + meta.name()
              + " (exit code "
              + outcome.exitCode()
              + (log == null || log.isBlank()
                  ? ""
                  : ": " + log.strip().lines().reduce((a, b) -> b).orElse(""))
              + ")",
          "nothing is lost: the clone "
              + store.clone(meta.name())
              + " keeps it; the next corral command on it tries again");
    }
    if (!tip.equals(meta.base())) {
      Path bundle = out.resolve("tip.bundle");
      if (!Files.isRegularFile(bundle, LinkOption.NOFOLLOW_LINKS)) {
        throw new SandboxException("the save step of " + meta.name() + " wrote no bundle");
      }
      Vault.importBundle(store.vault(meta.name()), bundle, meta.branch(), tip);
    } else {
      try (var repo = Vault.open(store.vault(meta.name()))) {
        Vault.setBranch(repo, meta.branch(), org.eclipse.jgit.lib.ObjectId.fromString(tip));
      } catch (IOException e) {
        throw new SandboxException("cannot update the vault of " + meta.name(), null, e);
      }
    }
    WorkspaceStore.delete(out);
    Metadata stopped = meta.stopped(tip);
    store.write(stopped);
    return stopped;
  }

  private SandboxSpec spec(Metadata meta, Path out) {
    String id = meta.name().length() > 56 ? meta.name().substring(0, 56) : meta.name();
    HostPath objects = HostPath.of(meta.objects());
    return SandboxSpec.builder(SandboxId.of(id + "-save"), HostPath.of(store.clone(meta.name())))
        .command(List.of("sh", "-c", SCRIPT, "sh", meta.base(), email(meta.command()), OUT))
        .mount(new Mount(objects, SandboxPath.sameAs(objects), Mount.Access.READ_ONLY))
        .mount(new Mount(HostPath.of(out), SandboxPath.of(OUT), Mount.Access.READ_WRITE))
        // No read-only placeholders in the clone: git add would trip over them, and no agent
        // runs here to protect the entries from.
        .filesystem(
            new FilesystemPolicy(
                FilesystemPolicy.defaults(HostPath.of(System.getProperty("user.home")), List.of())
                    .hidden(),
                List.of()))
        .network(NetworkMode.NONE)
        .stdio(Stdio.PIPE)
        .timeout(Duration.ofMinutes(10))
        .build();
  }

  /** The author e-mail: the agent or command name, reduced to characters git accepts there. */
  static String email(String command) {
    String cleaned = command.replaceAll("[^A-Za-z0-9._+-]", "");
    return cleaned.isEmpty() ? "sandbox" : cleaned;
  }

  /** A regular file's first 4 KiB as text, or null when it is missing or not a regular file. */
  private static @org.jspecify.annotations.Nullable String readSmall(Path file) {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      return new String(in.readNBytes(4096), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return null;
    }
  }
}
