package dev.corral.workspace;

import dev.corral.core.SandboxException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.patch.FileHeader;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.util.io.DisabledOutputStream;

/**
 * A workspace's saved work: the changes from its base commit to its branch tip, read from the
 * host-owned vault with JGit as plain data (no hooks, filters or checkout). Open while its {@link
 * Change} contents are read; close it afterwards. Not thread-safe.
 */
public final class Snapshot implements AutoCloseable {
  /** Files larger than this are treated as binary in diffs. */
  private static final int BINARY_THRESHOLD = 8 << 20;

  private final String name;
  private final Repository repo;
  private final ObjectId base;
  private final ObjectId tip;

  Snapshot(String name, Path vault, String base, String tip) {
    this.name = name;
    try {
      this.repo = Vault.open(vault);
    } catch (IOException e) {
      throw new SandboxException(
          "cannot open the vault of " + name + ": " + e.getMessage(), null, e);
    }
    this.base = ObjectId.fromString(base);
    this.tip = ObjectId.fromString(tip);
  }

  public String name() {
    return name;
  }

  public String base() {
    return base.name();
  }

  public String tip() {
    return tip.name();
  }

  /** Lines added and removed in one file; {@code binary} files count no lines. */
  public record FileStat(String path, Change.Kind kind, int added, int removed, boolean binary) {}

  /** The changed paths, renames detected, in path order. */
  public List<Change> changes() {
    List<Change> changes = new ArrayList<>();
    for (DiffEntry e : entries()) {
      changes.add(change(e));
    }
    return changes;
  }

  /** How many paths changed (renames count once); cheaper than {@link #stat()}. */
  public int changedFiles() {
    return entries().size();
  }

  /** Per-file line counts, like {@code git diff --stat}. */
  public List<FileStat> stat() {
    List<FileStat> stats = new ArrayList<>();
    try (DiffFormatter f = formatter(DisabledOutputStream.INSTANCE)) {
      for (DiffEntry e : f.scan(tree(base), tree(tip))) {
        FileHeader header = f.toFileHeader(e);
        int added = 0;
        int removed = 0;
        for (Edit edit : header.toEditList()) {
          added += edit.getLengthB();
          removed += edit.getLengthA();
        }
        boolean binary = header.getPatchType() != FileHeader.PatchType.UNIFIED;
        stats.add(new FileStat(path(e), kind(e), added, removed, binary));
      }
    } catch (IOException ex) {
      throw failure(ex);
    }
    return stats;
  }

  /**
   * Writes the unified diff to {@code out}, stopping after {@code cap} bytes. Control characters
   * other than tab and newline are shown as {@code \xNN}, so file contents cannot move the
   * terminal's cursor to hide lines. Returns whether the diff was cut.
   */
  public boolean writeDiff(OutputStream out, long cap) {
    SafeOutput safe = new SafeOutput(out, cap);
    try (DiffFormatter f = formatter(safe)) {
      f.format(tree(base), tree(tip));
      f.flush();
      return false;
    } catch (SafeOutput.CapReached e) {
      return true;
    } catch (IOException e) {
      throw failure(e);
    }
  }

  /**
   * Commits on the tip that {@code other} lacks, and commits on {@code other} that the tip lacks;
   * empty when {@code other} is unknown here. Counts stop at 10,000.
   */
  public Optional<int[]> aheadBehind(String other) {
    try (RevWalk walk = new RevWalk(repo)) {
      ObjectId o = ObjectId.fromString(other);
      if (!repo.getObjectDatabase().has(o)) {
        return Optional.empty();
      }
      return Optional.of(new int[] {count(walk, tip, o), count(walk, o, tip)});
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static int count(RevWalk walk, ObjectId from, ObjectId notFrom) throws IOException {
    walk.reset();
    walk.markStart(walk.parseCommit(from));
    walk.markUninteresting(walk.parseCommit(notFrom));
    int n = 0;
    for (RevCommit ignored : walk) {
      if (++n >= 10_000) {
        break;
      }
    }
    return n;
  }

  private List<DiffEntry> entries() {
    try (DiffFormatter f = formatter(DisabledOutputStream.INSTANCE)) {
      return f.scan(tree(base), tree(tip));
    } catch (IOException e) {
      throw failure(e);
    }
  }

  private DiffFormatter formatter(OutputStream out) {
    DiffFormatter f = new DiffFormatter(out);
    f.setRepository(repo);
    f.setDiffComparator(RawTextComparator.DEFAULT);
    f.setDetectRenames(true);
    f.setBinaryFileThreshold(BINARY_THRESHOLD);
    return f;
  }

  private ObjectId tree(ObjectId commit) throws IOException {
    try (RevWalk walk = new RevWalk(repo)) {
      return walk.parseCommit(commit).getTree().getId();
    }
  }

  private Change change(DiffEntry e) {
    Change.Kind kind = kind(e);
    int oldMode = e.getChangeType() == DiffEntry.ChangeType.ADD ? 0 : e.getOldMode().getBits();
    int newMode = e.getChangeType() == DiffEntry.ChangeType.DELETE ? 0 : e.getNewMode().getBits();
    ObjectId oldId = e.getOldId().toObjectId();
    ObjectId newId = e.getNewId().toObjectId();
    boolean hasOld = oldMode != 0 && isBlob(oldMode);
    boolean hasNew = newMode != 0 && isBlob(newMode);
    long size = hasNew ? size(newId) : 0;
    String target = newMode == Change.SYMLINK ? linkTarget(newId) : null;
    return new Change(
        path(e),
        kind == Change.Kind.RENAMED ? e.getOldPath() : null,
        kind,
        oldMode,
        newMode,
        target,
        size,
        hasOld ? () -> repo.open(oldId, Constants.OBJ_BLOB).openStream() : ContentSource.EMPTY,
        hasNew ? () -> repo.open(newId, Constants.OBJ_BLOB).openStream() : ContentSource.EMPTY);
  }

  private static boolean isBlob(int mode) {
    return FileMode.fromBits(mode).getObjectType() == Constants.OBJ_BLOB;
  }

  private long size(ObjectId id) {
    try (ObjectReader reader = repo.newObjectReader()) {
      return reader.getObjectSize(id, Constants.OBJ_BLOB);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  private String linkTarget(ObjectId id) {
    try (var in = repo.open(id, Constants.OBJ_BLOB).openStream()) {
      return new String(in.readNBytes(4096), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  private static String path(DiffEntry e) {
    return e.getChangeType() == DiffEntry.ChangeType.DELETE ? e.getOldPath() : e.getNewPath();
  }

  private static Change.Kind kind(DiffEntry e) {
    return switch (e.getChangeType()) {
      case ADD, COPY -> Change.Kind.ADDED;
      case MODIFY -> Change.Kind.MODIFIED;
      case DELETE -> Change.Kind.DELETED;
      case RENAME -> Change.Kind.RENAMED;
    };
  }

  private SandboxException failure(IOException e) {
    return new SandboxException(
        "cannot read the saved work of " + name + ": " + e.getMessage(),
        "the vault of the workspace may be damaged",
        e);
  }

  @Override
  public void close() {
    repo.close();
  }

  /** Escapes control characters and stops at a byte limit. */
  private static final class SafeOutput extends FilterOutputStream {
    static final class CapReached extends IOException {
      private static final long serialVersionUID = 1L;
    }

    private final long cap;
    private long written;

    SafeOutput(OutputStream out, long cap) {
      super(out);
      this.cap = cap;
    }

    @Override
    public void write(int b) throws IOException {
      if (written >= cap) {
        throw new CapReached();
      }
      int c = b & 0xff;
      if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
        byte[] escaped = String.format("\\x%02x", c).getBytes(StandardCharsets.US_ASCII);
        out.write(escaped);
        written += escaped.length;
      } else {
        out.write(c);
        written++;
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      for (int i = off; i < off + len; i++) {
        write(b[i]);
      }
    }
  }
}
