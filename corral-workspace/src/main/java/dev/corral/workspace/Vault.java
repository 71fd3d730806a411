package dev.corral.workspace;

import dev.corral.core.EnvironmentException;
import dev.corral.core.SandboxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;

/**
 * The host-owned bare repository that holds a workspace's branch as Corral last saved it. No
 * sandbox ever sees it, so every host-side read (diff, review, listings) and the source of merge
 * and apply come from here, never from the agent-controlled clone. It borrows the user's objects
 * through alternates; the branch's own objects arrive as a bundle, checked object by object.
 */
final class Vault {
  private Vault() {}

  static void create(Path dir, Path userObjects, String branch, String base) throws IOException {
    try (Git git = Git.init().setBare(true).setGitDir(dir.toFile()).call()) {
      // created; nothing else to do with it here
    } catch (GitAPIException e) {
      throw new EnvironmentException("cannot create " + dir + ": " + e.getMessage(), null, e);
    }
    Path info = dir.resolve("objects/info");
    Files.createDirectories(info);
    Files.writeString(info.resolve("alternates"), userObjects + "\n", StandardCharsets.UTF_8);
    try (Repository repo = open(dir)) {
      setBranch(repo, branch, ObjectId.fromString(base));
    }
  }

  static Repository open(Path dir) throws IOException {
    return new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().setMustExist(true).build();
  }

  static void setBranch(Repository repo, String branch, ObjectId id) throws IOException {
    RefUpdate update = repo.updateRef("refs/heads/" + branch);
    update.setNewObjectId(id);
    update.setForceUpdate(true);
    RefUpdate.Result result = update.update();
    switch (result) {
      case NEW, FORCED, NO_CHANGE, FAST_FORWARD -> {}
      default -> throw new SandboxException("cannot set " + branch + " in the vault: " + result);
    }
  }

  /**
   * Brings the branch tip saved in {@code bundle} into the vault. Every fetched object is checked
   * (JGit's {@code ObjectChecker}: malformed objects, {@code .git} path entries); the tip must be
   * the one the save step reported.
   */
  static void importBundle(Path vault, Path bundle, String branch, String tip) {
    try (Repository repo = open(vault);
        Git git = Git.wrap(repo)) {
      git.fetch()
          .setRemote(bundle.toString())
          .setRefSpecs(new RefSpec("+HEAD:refs/heads/" + branch))
          .setCheckFetchedObjects(true)
          .setTagOpt(TagOpt.NO_TAGS)
          .call();
      ObjectId now = repo.resolve("refs/heads/" + branch);
      if (now == null || !now.name().equals(tip)) {
        throw new SandboxException(
            "the saved branch " + branch + " does not end at " + tip + " as reported",
            "the clone's git state may be damaged; inspect it by hand in a sandbox");
      }
    } catch (IOException | GitAPIException e) {
      throw new SandboxException(
          "cannot import the saved branch " + branch + ": " + e.getMessage(),
          "the clone still holds the work; inspect it in a sandbox",
          e);
    }
  }
}
