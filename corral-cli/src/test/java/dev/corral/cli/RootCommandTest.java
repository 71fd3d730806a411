package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootCommandTest {
  @TempDir Path workdir;

  private CliHarness cli() {
    return new CliHarness(workdir, new FakeBackend("fake"));
  }

  @Test
  void helpDocumentsExitCodes() {
    var result = cli().run("--help");

    assertThat(result.code()).isZero();
    assertThat(result.out())
        .contains("Usage: corral")
        .contains("run", "doctor", "version", "completion")
        .contains("Exit codes:")
        .contains("124")
        .containsPattern("127\\s+the command was not found in the sandbox");
  }

  @Test
  void printsTheVersion() {
    String expected = "corral 0.1.0 (java " + Runtime.version() + ")\n";

    assertThat(cli().run("version").out()).isEqualTo(expected);
    assertThat(cli().run("--version").out()).isEqualTo(expected);
  }

  @Test
  void helpForOneCommandWorksFromTheRoot() {
    var result = cli().run("help", "run");

    assertThat(result.code()).isZero();
    assertThat(result.out()).contains("Usage: corral run").contains("--workspace");
  }

  @Test
  void printsABashCompletionScript() {
    var result = cli().run("completion");

    assertThat(result.code()).isZero();
    assertThat(result.out()).contains("complete -F").contains("--workspace");
  }

  @Test
  void showsUsageAndFailsWithoutASubcommand() {
    var result = cli().run();

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).startsWith("Usage: corral");
  }

  @Test
  void suggestsTheNearestSubcommand() {
    var result = cli().run("doctr");

    assertThat(result.code()).isEqualTo(2);
    assertThat(result.err()).contains("did you mean doctor");
  }

  @Test
  void everySubcommandHasHelp() {
    for (String command :
        new String[] {"run", "doctor", "version", "completion", "policy", "egress", "trust"}) {
      var result = cli().run(command, "--help");
      assertThat(result.code()).as(command).isZero();
      assertThat(result.out()).as(command).startsWith("Usage: corral " + command);
    }
    for (String command : new String[] {"show", "allow", "deny", "test"}) {
      var result = cli().run("policy", command, "--help");
      assertThat(result.code()).as(command).isZero();
      assertThat(result.out()).as(command).startsWith("Usage: corral policy " + command);
    }
    assertThat(cli().run("egress", "log", "--help").out()).startsWith("Usage: corral egress log");
  }
}
