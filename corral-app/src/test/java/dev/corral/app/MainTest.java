package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.cli.CliStreams;
import dev.corral.core.CorralDirs;
import dev.corral.core.HostPath;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
  @TempDir Path dir;

  private String[] run(String... args) {
    CorralDirs dirs = CorralDirs.from(Map.of(), HostPath.of(dir));
    CommandLine cl =
        Main.commandLine(
            dirs,
            Map.of("PATH", "/usr/bin:/bin"),
            HostPath.of(dir),
            CliStreams.piped(new ByteArrayInputStream(new byte[0])));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  @Test
  void helpWorksThroughTheRealWiring() {
    String[] result = run("--help");

    assertThat(result[0]).isEqualTo("0");
    assertThat(result[1]).startsWith("Usage: corral").contains("Exit codes:");
  }

  @Test
  void versionComesFromTheBuild() {
    String[] result = run("version");

    assertThat(result[0]).isEqualTo("0");
    assertThat(result[1]).matches("corral \\d+\\.\\d+\\.\\d+\\S* \\(java 25\\S*\\)\n");
    assertThat(Main.version()).isNotEqualTo("unknown").doesNotContain("${");
  }
}
