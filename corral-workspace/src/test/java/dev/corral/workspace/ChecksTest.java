package dev.corral.workspace;

import static dev.corral.workspace.Changes.added;
import static dev.corral.workspace.Changes.modified;
import static dev.corral.workspace.Changes.review;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Path, mode, content and cap behaviour of the review checks. */
class ChecksTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        ".git/config",
        ".GIT/hooks/pre-commit",
        ".git./hooks/x",
        ".git /x",
        "git~1/config",
        ".git::$INDEX_ALLOCATION/config",
        "a/.g\u200cit/hooks/x",
        "a\\.git\\hooks\\x"
      })
  void blocksEverySpellingOfDotGit(String path) {
    assertThat(Changes.findings(review(added(path, "x\n")), "git-dir"))
        .singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.BLOCK));
  }

  @ParameterizedTest
  @ValueSource(strings = {".github/x.yml", "src/gitx/a", "docs/.gitignore", "a.git/b"})
  void leavesNamesThatOnlyLookLikeDotGit(String path) {
    assertThat(Changes.findings(review(added(path, "x\n")), "git-dir")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    ".vscode/tasks.json,BLOCK",
    ".idea/workspace.xml,BLOCK",
    ".husky/pre-commit,BLOCK",
    ".pre-commit-config.yaml,BLOCK",
    "corral.toml,BLOCK",
    ".devcontainer/devcontainer.json,BLOCK",
    "Makefile,WARN",
    "setup.py,WARN",
    "build.rs,WARN",
    ".cargo/config.toml,WARN",
    "build.gradle.kts,WARN",
    ".github/workflows/ci.yml,WARN",
    ".gitlab-ci.yml,WARN",
    ".gitmodules,WARN",
    "lib/foo.pth,WARN",
    "sub/corral.toml,NONE",
    "src/Makefile.txt,NONE"
  })
  void judgesFilesThatRunByThemselves(String path, String severity) {
    List<Finding> found = Changes.findings(review(added(path, "x\n")), "autorun");
    if (severity.equals("NONE")) {
      assertThat(found).isEmpty();
    } else {
      assertThat(found)
          .singleElement()
          .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.valueOf(severity)));
    }
  }

  @ParameterizedTest
  @CsvSource({
    "a/link,../b,",
    "a/b/link,../../README.md,",
    "link,.git/hooks,points into .git",
    "a/link,../.GIT./config,points into .git",
    "a/link,../../x,points outside the repository",
    "link,C:\\Users,is an absolute path",
    "link,/etc/passwd,is an absolute path"
  })
  void judgesSymlinkTargets(String link, String target, String problem) {
    assertThat(ModeCheck.problem(link, target)).isEqualTo(problem);
  }

  @Test
  void warnsWhenExecutableBitIsAdded() {
    Change chmod =
        new Change(
            "run.sh",
            null,
            Change.Kind.MODIFIED,
            GitPaths.REGULAR,
            GitPaths.EXECUTABLE,
            null,
            3,
            Changes.content("ls\n"),
            Changes.content("ls\n"));
    assertThat(review(chmod).findings())
        .containsExactly(
            new Finding(
                Severity.WARN,
                "executable",
                "run.sh",
                0,
                "executable bit added",
                "check that it should be runnable; tools and hooks may run executables by name"));
  }

  @Test
  void judgesGitattributesDrivers() {
    ReviewReport report =
        review(
            modified(
                ".gitattributes",
                "*.png binary\n",
                "*.png binary\n*.c filter=indent\n*.lock -diff\n*.bin filter=lfs diff=lfs merge=lfs\n"));
    assertThat(Changes.findings(report, "gitattributes"))
        .extracting(Finding::line, Finding::severity)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2, Severity.WARN),
            org.assertj.core.groups.Tuple.tuple(3, Severity.WARN));
  }

  @Test
  void warnsOnZeroWidthButAcceptsLeadingBom() {
    ReviewReport report = review(added("a.js", "\ufefflet a = 1;\nlet adm\u200bin = true;\n"));
    assertThat(Changes.findings(report, "unicode"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.WARN);
              assertThat(f.line()).isEqualTo(2);
            });
  }

  @Test
  void judgesOnlyAddedLines() {
    String old = "key = 'AKIA4QZD7XN2MB5RTW3K'\n";
    assertThat(review(modified("a.py", old, old + "print(1)\n")).findings()).isEmpty();
  }

  @Test
  void capsWhatItReadsFromAHugeFileAndSaysSo() {
    long size = 1L << 40; // a terabyte that is never materialised
    InputStream[] opened = new InputStream[1];
    ContentSource endless =
        () ->
            opened[0] =
                new InputStream() {
                  long left = size;

                  @Override
                  public int read() {
                    return left-- > 0 ? 'a' : -1;
                  }

                  @Override
                  public int read(byte[] b, int off, int len) {
                    int n = (int) Math.min(len, left);
                    java.util.Arrays.fill(b, off, off + n, (byte) 'a');
                    left -= n;
                    return n == 0 && len > 0 ? -1 : n;
                  }
                };
    Change huge =
        new Change(
            "big.txt",
            null,
            Change.Kind.ADDED,
            0,
            GitPaths.REGULAR,
            null,
            size,
            Changes.NONE,
            endless);
    ReviewReport report =
        Review.run(
            List.of(huge, added("next.txt", "AKIA4QZD7XN2MB5RTW3K\n")),
            ReviewSettings.DEFAULT.withCaps(1 << 20, 1 << 20),
            Map.of());
    assertThat(report.bytesRead()).isEqualTo(1 << 20);
    assertThat(report.findings()).extracting(Finding::check).containsExactly("size");
    assertThat(report.notes())
        .contains(
            "scanned only the first 1.0 MiB of big.txt",
            "review read its limit of 1.0 MiB; the content of later files was not scanned"
                + " (path and mode checks still ran)");
  }

  @Test
  void summarisesAFloodOfFindings() {
    String flood = "x\u202e\n".repeat(500);
    List<Finding> found = Changes.findings(review(added("a.txt", flood)), "unicode");
    assertThat(found).hasSize(21);
    assertThat(found)
        .filteredOn(f -> f.line() == 0)
        .singleElement()
        .satisfies(
            f ->
                assertThat(f.message())
                    .isEqualTo("480 more unicode findings in this file (not listed)"));
  }

  @Test
  void textEscapesControlCharactersAndJsonCarriesCounts() {
    ReviewReport report = review(Changes.symlink("l", "/x\u001b[2J\u202e"));
    assertThat(report.text())
        .contains("symlink to '/x\\u001B[2J\\u202E'")
        .doesNotContain("\u001b")
        .endsWith(
            "review: 1 files, 1 block, 0 warn, 0 info - blocking: merge refuses without --accept-risk"
                + System.lineSeparator());
    assertThat(report.json())
        .contains("\"blocking\" : true")
        .contains("\"severity\" : \"block\"")
        .contains("\"block\" : 1");
  }

  @Test
  void comparesManifestsOfEachEcosystem() {
    ReviewReport report =
        review(
            modified(
                "Cargo.toml",
                "[dependencies]\nserde = \"1.0.1\"\n",
                "[dependencies]\nserde = \"1.0.2\"\nevil = { git = \"https://git.evil.example/evil\" }\n"),
            added(
                "pom.xml",
                "<project><repositories><repository><url>https://maven.evil.example/r</url>"
                    + "</repository></repositories><build><plugins><plugin><groupId>org.codehaus.mojo</groupId>"
                    + "<artifactId>exec-maven-plugin</artifactId></plugin></plugins></build></project>"),
            modified(
                "go.mod",
                "module m\nrequire golang.org/x/net v0.1.0\n",
                "module m\nrequire golang.org/x/net v0.2.0\nreplace golang.org/x/net => ../net\n"),
            added(".npmrc", "registry=http://registry.npmjs.org/\n"));
    assertThat(report.findings())
        .extracting(f -> f.severity() + " " + f.path() + " " + f.message())
        .contains(
            "BLOCK Cargo.toml new dependency evil from git+https://git.evil.example/evil (unknown or unencrypted host)",
            "INFO Cargo.toml serde: 1.0.1 -> 1.0.2",
            "BLOCK pom.xml new repository https://maven.evil.example/r on a host that is not a known registry",
            "WARN pom.xml new Maven plugin or extension org.codehaus.mojo:exec-maven-plugin",
            "INFO go.mod golang.org/x/net: v0.1.0 -> v0.2.0",
            "WARN go.mod new dependency replace golang.org/x/net from path:../net (bypasses the registry)",
            "BLOCK .npmrc new registry setting http://registry.npmjs.org/ over unencrypted http");
  }
}
