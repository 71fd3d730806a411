package dev.corral.workspace;

import dev.corral.core.CorralDirs;
import dev.corral.core.EnvironmentException;
import dev.corral.core.HostPath;
import dev.corral.core.Mount;
import dev.corral.core.SandboxException;
import dev.corral.core.SandboxId;
import dev.corral.core.SandboxPath;
import dev.corral.core.UsageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Clone workspaces: create one for a sandbox, save its work when the sandbox stops (or, after a
 * crash, when the next command touches it), list, diff, merge, apply and remove them. Thread-safe
 * across processes for saving (a file lock per workspace); other operations are meant for one user
 * at a time.
 */
public final class Workspaces {
  private final WorkspaceStore store;

  public Workspaces(CorralDirs dirs) {
    this.store = new WorkspaceStore(dirs);
  }

  /**
   * A clone ready for a sandbox: run the sandbox with {@code directory} as its workspace and {@code
   * mounts} added.
   */
  public record Prepared(String name, String branch, HostPath directory, List<Mount> mounts) {
    public Prepared {
      mounts = List.copyOf(mounts);
    }
  }

  /** What was saved when a sandbox stopped. */
  public record Saved(String name, String branch, String tip, int changedFiles) {}

  /**
   * The top-level directory of the git repository {@code dir} is in; explains clone mode if none.
   */
  public static HostPath repositoryOf(HostPath dir) {
    return HostPath.of(Cloner.topLevel(dir.path()));
  }

  /**
   * Creates the clone of the repository at {@code dir} for sandbox {@code name}, owned by this
   * process until {@link #stop}.
   *
   * @param withChanges carry the user's uncommitted (staged, unstaged, untracked) changes in
   * @param command the agent or command that will run, for commit authors and listings
   * @param warnings receives one-line notes for the user (e.g. submodules are not checked out)
   */
  public Prepared create(
      HostPath dir,
      SandboxId name,
      boolean withChanges,
      String command,
      Consumer<String> warnings) {
    return create(dir, name, Optional.empty(), withChanges, command, warnings);
  }

  /**
   * Like {@link #create(HostPath, SandboxId, boolean, String, Consumer)}, starting at {@code start}
   * (a branch, tag or commit of the repository) instead of its {@code HEAD}. {@code dir} may also
   * be a bare repository (then there are no uncommitted changes to carry).
   *
   * @throws UsageException when {@code start} names no commit there
   */
  public Prepared create(
      HostPath dir,
      SandboxId name,
      Optional<String> start,
      boolean withChanges,
      String command,
      Consumer<String> warnings) {
    Metadata meta =
        new Cloner(store).create(dir.path(), name.value(), start, withChanges, command, warnings);
    ProcessHandle self = ProcessHandle.current();
    meta = meta.running(self.pid(), started(self).orElse(null));
    store.write(meta);
    HostPath objects = HostPath.of(meta.objects());
    return new Prepared(
        meta.name(),
        meta.branch(),
        HostPath.of(store.clone(meta.name())),
        List.of(new Mount(objects, SandboxPath.sameAs(objects), Mount.Access.READ_ONLY)));
  }

  /** Saves the work of the stopped sandbox {@code name} to its branch. */
  public Saved stop(String name, SandboxRunner runner) throws InterruptedException {
    Metadata saved = save(store.get(name), runner);
    try (Snapshot s = snapshot(saved)) {
      return new Saved(name, saved.branch(), saved.tipOrBase(), s.changedFiles());
    }
  }

  /**
   * Saves the work of every workspace whose {@code corral} process died while its sandbox ran (kill
   * -9, a crash, a reboot). Returns the names saved; a workspace that cannot be saved is skipped
   * and reported through {@code warnings}, its clone untouched.
   */
  public List<String> recover(SandboxRunner runner, Consumer<String> warnings)
      throws InterruptedException {
    List<String> saved = new ArrayList<>();
    for (Metadata meta : store.list()) {
      if (orphaned(meta)) {
        try {
          save(meta, runner);
          saved.add(meta.name());
        } catch (SandboxException | EnvironmentException e) {
          warnings.accept(e.getMessage());
        }
      }
    }
    return saved;
  }

  private Metadata save(Metadata meta, SandboxRunner runner) throws InterruptedException {
    Path lock = store.dir(meta.name()).resolve("lock");
    try (FileChannel channel =
            FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = channel.lock()) {
      Metadata current = store.get(meta.name());
      if (current.state() == Metadata.State.STOPPED) {
        return current; // another corral process saved it while this one waited
      }
      return new Saver(store).save(current, runner);
    } catch (IOException e) {
      throw new EnvironmentException("cannot lock " + lock + ": " + e.getMessage(), null, e);
    }
  }

  /** Every clone workspace, oldest first. */
  public List<WorkspaceInfo> list() {
    List<WorkspaceInfo> all = new ArrayList<>();
    for (Metadata meta : store.list()) {
      all.add(info(meta));
    }
    return all;
  }

  private WorkspaceInfo info(Metadata meta) {
    int ahead = -1;
    int behind = -1;
    int changed;
    try (Snapshot s = snapshot(meta)) {
      Optional<String> head = userHead(meta);
      Optional<int[]> counts = head.flatMap(s::aheadBehind);
      if (counts.isPresent()) {
        ahead = counts.get()[0];
        behind = counts.get()[1];
      }
      changed = s.changedFiles();
    }
    return new WorkspaceInfo(
        meta.name(),
        state(meta),
        meta.branch(),
        meta.repo(),
        meta.base(),
        meta.tipOrBase(),
        meta.command(),
        meta.created(),
        ahead,
        behind,
        changed);
  }

  private String state(Metadata meta) {
    if (meta.state() == Metadata.State.RUNNING) {
      return ownerAlive(meta) ? "running" : "unsaved";
    }
    if (meta.merged() != null) {
      return "merged";
    }
    return meta.applied() != null ? "applied" : "stopped";
  }

  /**
   * The saved work of {@code name}; the caller closes it. While the sandbox still runs this is the
   * work saved so far (none until it stops).
   */
  public Snapshot snapshot(String name) {
    return snapshot(store.get(name));
  }

  private Snapshot snapshot(Metadata meta) {
    return new Snapshot(meta.name(), store.vault(meta.name()), meta.base(), meta.tipOrBase());
  }

  /** Whether {@code name}'s sandbox still runs. */
  public boolean running(String name) {
    Metadata meta = store.get(name);
    return meta.state() == Metadata.State.RUNNING && ownerAlive(meta);
  }

  /** The result of a merge: the new commit, and the blocking findings the user accepted. */
  public record Merged(String commit, List<String> acceptedFindings) {
    public Merged {
      acceptedFindings = List.copyOf(acceptedFindings);
    }
  }

  /**
   * Merges {@code name}'s branch into the user's current branch. Reviews the changes first and
   * refuses when a finding blocks, unless {@code acceptRisk}; the accepted findings are recorded in
   * the workspace metadata and the merge commit message.
   *
   * @throws UsageException when the sandbox still runs, nothing changed, review blocks, the working
   *     tree is dirty or the changes conflict; the user's repository is then unchanged
   */
  public Merged merge(String name, boolean squash, boolean acceptRisk, ReviewSettings settings) {
    return merge(name, squash, acceptRisk, settings, report -> {});
  }

  /**
   * {@link #merge(String, boolean, boolean, ReviewSettings)}, showing the review's report to {@code
   * inspect} first; it may refuse the merge by throwing. The review runs once (an LLM reviewer is
   * asked once).
   */
  public Merged merge(
      String name,
      boolean squash,
      boolean acceptRisk,
      ReviewSettings settings,
      Consumer<ReviewReport> inspect) {
    return merge(
        name,
        squash,
        acceptRisk,
        changes -> {
          ReviewReport report = Review.run(changes, settings);
          inspect.accept(report);
          return ReviewGate.blockingFindings(report);
        });
  }

  /** {@link #merge} with the review given as a function from changes to blocking findings. */
  Merged merge(
      String name,
      boolean squash,
      boolean acceptRisk,
      Function<List<Change>, List<String>> review) {
    Metadata meta = integrable(name, "merge");
    List<String> blocking;
    try (Snapshot s = snapshot(meta)) {
      blocking = List.copyOf(review.apply(s.changes()));
    }
    if (!blocking.isEmpty() && !acceptRisk) {
      throw new UsageException(
          "review found "
              + blocking.size()
              + " blocking finding(s) in "
              + name
              + ", e.g. "
              + blocking.getFirst(),
          "read them with `corral review "
              + name
              + "`; merge anyway with `corral merge "
              + name
              + " --accept-risk`");
    }
    String risk =
        blocking.isEmpty()
            ? null
            : "accepted "
                + blocking.size()
                + " blocking finding(s) at "
                + Instant.now()
                + ": "
                + String.join("; ", blocking);
    String message = mergeMessage(meta, squash, blocking);
    String commit = new Integrator(meta, store.vault(name)).merge(squash, message);
    store.write(meta.merged(commit, risk));
    return new Merged(commit, blocking);
  }

  private static String mergeMessage(Metadata meta, boolean squash, List<String> accepted) {
    StringBuilder m =
        new StringBuilder(
            (squash ? "Squash " : "Merge ")
                + meta.branch()
                + ": work of "
                + meta.command()
                + " in sandbox "
                + meta.name()
                + "\n\nCorral-Workspace: "
                + meta.name()
                + "\nCorral-Base: "
                + meta.base()
                + "\nCorral-Tip: "
                + meta.tipOrBase()
                + "\n");
    for (String finding : accepted) {
      m.append("Corral-Accepted-Risk: ").append(finding.replace('\n', ' ')).append('\n');
    }
    return m.toString();
  }

  /** Applies {@code name}'s changes to the user's working tree, unstaged; returns the paths. */
  public List<String> apply(String name) {
    Metadata meta = integrable(name, "apply");
    List<String> paths = new Integrator(meta, store.vault(name)).apply();
    store.write(meta.applied(Instant.now().toString()));
    return paths;
  }

  private Metadata integrable(String name, String verb) {
    Metadata meta = store.get(name);
    if (meta.state() == Metadata.State.RUNNING) {
      throw new UsageException(
          "cannot "
              + verb
              + " "
              + name
              + ": its sandbox "
              + (ownerAlive(meta)
                  ? "is still running"
                  : "ended without saving its work, and saving it again failed"),
          ownerAlive(meta)
              ? "let it finish (or stop it), then run `corral " + verb + " " + name + "`"
              : "run `corral ls` to retry the save and see why it fails");
    }
    if (meta.tipOrBase().equals(meta.base())) {
      throw new UsageException(
          "nothing to " + verb + ": " + name + " made no changes",
          "remove it with `corral rm " + name + "`");
    }
    return meta;
  }

  /**
   * Unmerged work of {@code name}: the commits its branch has that the user's current HEAD lacks,
   * unless it was merged or applied. Zero when there is nothing to lose.
   */
  public int unmergedCommits(String name) {
    Metadata meta = store.get(name);
    if (meta.merged() != null || meta.applied() != null || meta.tipOrBase().equals(meta.base())) {
      return 0;
    }
    try (Snapshot s = snapshot(meta)) {
      return userHead(meta).flatMap(s::aheadBehind).map(c -> c[0]).orElse(1);
    }
  }

  /**
   * Removes the clone, its vault, metadata and the {@code refs/corral/<name>/} refs in the user's
   * repository. Callers ask the user first when {@link #unmergedCommits} is not zero.
   *
   * @throws UsageException when the sandbox still runs
   */
  public void remove(String name) {
    Metadata meta = store.get(name);
    if (meta.state() == Metadata.State.RUNNING && ownerAlive(meta)) {
      throw new UsageException(
          "cannot remove " + name + ": its sandbox is still running",
          "let it finish (or stop it) first");
    }
    Cloner.unpin(Path.of(meta.repo()), name);
    WorkspaceStore.delete(store.dir(name));
  }

  private static Optional<String> userHead(Metadata meta) {
    Path repo = Path.of(meta.repo());
    if (!Files.isDirectory(repo)) {
      return Optional.empty();
    }
    HostGit.Result r = HostGit.run(repo, List.of("rev-parse", "--verify", "-q", "HEAD^{commit}"));
    return r.ok() ? Optional.of(r.out().strip()) : Optional.empty();
  }

  private static boolean orphaned(Metadata meta) {
    return meta.state() == Metadata.State.RUNNING && !ownerAlive(meta);
  }

  private static boolean ownerAlive(Metadata meta) {
    Optional<ProcessHandle> owner =
        ProcessHandle.of(meta.ownerPid()).filter(ProcessHandle::isAlive);
    return owner.isPresent()
        && (meta.ownerStarted() == null
            || started(owner.get()).orElse("").equals(meta.ownerStarted()));
  }

  private static Optional<String> started(ProcessHandle process) {
    return process.info().startInstant().map(Instant::toString);
  }
}
