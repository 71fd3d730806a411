package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.cli.CliStreams;
import dev.corral.core.CorralDirs;
import dev.corral.core.HostPath;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code corral policy show|allow|deny|test} and {@code corral trust} in process, on the real
 * configuration files, trust store and policy engine.
 */
class PolicyCommandsTest {
  @TempDir Path tmp;
  Path workspace;
  Path userFile;
  Path projectFile;
  CorralDirs dirs;
  String input = "";
  boolean terminal;

  record Result(int code, String out, String err) {}

  @BeforeEach
  void setUp() throws IOException {
    workspace = Files.createDirectory(tmp.resolve("ws"));
    dirs =
        new CorralDirs(
            HostPath.of(tmp.resolve("config")),
            HostPath.of(tmp.resolve("data")),
            HostPath.of(tmp.resolve("state")),
            HostPath.of(tmp.resolve("runtime")));
    userFile = tmp.resolve("config/config.toml");
    projectFile = workspace.resolve("corral.toml");
  }

  Result corral(String... args) {
    var streams =
        new CliStreams(
            new ByteArrayInputStream(input.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            false,
            terminal);
    CommandLine cl =
        Main.commandLine(dirs, Map.of("PATH", "/usr/bin:/bin"), HostPath.of(workspace), streams);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return new Result(cl.execute(args), out.toString(), err.toString());
  }

  /** The output with the temporary directory written as {@code $T}. */
  private String t(String text) {
    return text.replace(tmp.toString(), "$T");
  }

  @Test
  void showSaysTheDefaultAndEverySource() {
    Result r = corral("policy", "show");
    assertThat(r.code()).isZero();
    assertThat(t(r.out()))
        .isEqualTo(
            """
            Egress policy for $T/ws
            Default: deny. A request goes out only when an allow rule covers it and no deny rule does.

            agent bundles: none here; `corral run AGENT` adds the agent's bundles
            user config $T/config/config.toml: no such file
            project $T/ws/corral.toml: no such file
            command line: `corral run --allow RULE --deny RULE` adds rules for one run

            Change it with `corral policy allow|deny RULE`; see what decides a URL with `corral policy test URL`.
            """);
  }

  @Test
  void allowAndDenyWriteTheUserConfigAndShowListsThemBySource() throws IOException {
    Result allow = corral("policy", "allow", "pypi.org");
    assertThat(allow.code()).isZero();
    assertThat(t(allow.out()))
        .isEqualTo(
            """
            added "pypi.org" to [network] allow in $T/config/config.toml (created the file)
            Running sandboxes apply it to new connections within a second (hot reload); new sandboxes start with it.
            """);
    assertThat(corral("policy", "allow", "@github").code()).isZero();
    assertThat(t(corral("policy", "deny", "uploads.github.com").out()))
        .startsWith("added \"uploads.github.com\" to [network] deny in $T/config/config.toml\n");
    assertThat(t(corral("policy", "allow", "pypi.org").out()))
        .isEqualTo(
            "\"pypi.org\" is already in [network] allow in $T/config/config.toml; nothing"
                + " changed\n");
    assertThat(Files.readString(userFile))
        .isEqualTo(
            """
            [network]
            allow = ["pypi.org", "@github"]
            deny = ["uploads.github.com"]
            """);
    assertThat(t(corral("policy", "show").out()))
        .contains(
            """
            user config $T/config/config.toml:
              allow pypi.org
              allow @github
              deny  uploads.github.com
            project $T/ws/corral.toml: no such file
            """);
  }

  @Test
  void showEffectiveExpandsBundlesAndListsDenyRulesFirst() throws IOException {
    Files.createDirectories(userFile.getParent());
    Files.writeString(userFile, "[network]\nallow = [\"@github\"]\ndeny = [\"api.github.com\"]\n");
    Result r = corral("policy", "show", "--effective");
    assertThat(t(r.out()))
        .isEqualTo(
            """
            Effective egress rules for $T/ws, in the order they decide:
              deny   api.github.com           ports 80,443  $T/config/config.toml
              allow  github.com               ports 80,443  bundle github
              allow  github.com:22            port 22       bundle github
              allow  api.github.com           ports 80,443  bundle github
              allow  codeload.github.com      ports 80,443  bundle github
              allow  *.githubusercontent.com  ports 80,443  bundle github
              deny   everything else                        default deny
            Deny rules win over allow rules wherever they come from; `corral run --allow/--deny` add rules for one run.
            """);
    assertThat(t(corral("policy", "show", "--output", "json").out()))
        .contains("\"default\" : \"deny\"")
        .contains(
            """
              "effective" : [ {
                "action" : "deny",
                "rule" : "api.github.com",
                "origin" : "$T/config/config.toml",
                "covers" : "ports 80,443"
              }, {
            """);
  }

  @Test
  void refusesAnInvalidRuleAndWritesNothing() {
    Result r = corral("policy", "allow", "@nosuchbundle");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("corral: error: unknown service bundle \"nosuchbundle\"\n");
    assertThat(r.out()).isEmpty();
    assertThat(userFile).doesNotExist();
  }

  @Test
  void refusesToEditAnInvalidConfigFile() throws IOException {
    Files.createDirectories(userFile.getParent());
    Files.writeString(userFile, "# mine\n[network]\nallow = [\"a.org\"\n");
    Result r = corral("policy", "allow", "b.org");
    assertThat(r.code()).isEqualTo(3);
    assertThat(t(r.err()))
        .startsWith(
            "corral: error: not changing $T/config/config.toml, it is invalid:"
                + " $T/config/config.toml:4:1:");
    assertThat(Files.readString(userFile)).isEqualTo("# mine\n[network]\nallow = [\"a.org\"\n");
  }

  @Test
  void projectRulesOfTheUserKeepATrustedFileTrusted() throws IOException {
    Result r = corral("policy", "allow", "--project", "pypi.org");
    assertThat(t(r.out())).startsWith("added \"pypi.org\" to [network] allow in $T/ws/corral.toml");
    assertThat(r.err()).isEmpty();
    assertThat(t(corral("trust").out()))
        .isEqualTo("$T/ws/corral.toml is trusted; it has not changed since\n");
    assertThat(corral("policy", "test", "pypi.org").code()).isZero();
  }

  @Test
  void projectRulesAddedToAnUntrustedFileStayIgnored() throws IOException {
    Files.writeString(projectFile, "[network]\nallow = [\"evil.com\"]\n");
    Result r = corral("policy", "allow", "--project", "pypi.org");
    assertThat(r.err())
        .isEqualTo(
            "corral: corral.toml is not trusted yet; its network rules and mounts are ignored"
                + " until you run corral trust\n");
    Result test = corral("policy", "test", "https://pypi.org");
    assertThat(test.code()).isEqualTo(1);
    assertThat(test.err()).contains("not trusted yet");
    assertThat(t(corral("policy", "show").out()))
        .contains("project $T/ws/corral.toml: no [network] rules\n");
  }

  @Test
  void testNamesTheDecidingRuleAndWhyAndExitsOneWhenDenied() throws IOException {
    Files.createDirectories(userFile.getParent());
    Files.writeString(
        userFile,
        "[network]\nallow = [\"GET example.com/simple/\", \"@github\"]\ndeny = [\"uploads.github.com\"]\n");
    Result allowed = corral("policy", "test", "https://api.github.com/repos");
    assertThat(allowed.code()).isZero();
    assertThat(allowed.out())
        .isEqualTo(
            """
            ALLOW CONNECT api.github.com:443 (a tunnel: the gateway sees the host and port, not the path)
              rule: api.github.com (bundle github)
              why:  an allow rule applies and no deny rule does
              rules that apply:
                allow api.github.com (bundle github): host api.github.com is api.github.com, port 443 in 80,443
            """);
    Result denied = corral("policy", "test", "http://example.com/simple/x", "--method", "post");
    assertThat(denied.code()).isEqualTo(1);
    assertThat(t(denied.out()))
        .isEqualTo(
            """
            DENY  POST example.com:80/simple/x (plain HTTP: method and path count)
              rule: default deny
              why:  no rule applies, and everything not allowed is denied
              rules for this host that do not apply:
                allow GET example.com/simple/ ($T/config/config.toml): method POST is not one of GET
              to allow it: corral policy allow example.com
            """);
    Result deniedByRule = corral("policy", "test", "uploads.github.com:443", "--output", "json");
    assertThat(deniedByRule.code()).isEqualTo(1);
    assertThat(t(deniedByRule.out()))
        .startsWith(
            """
            {
              "request" : {
                "protocol" : "connect",
                "host" : "uploads.github.com",
                "port" : 443
              },
              "decision" : "deny",
              "rule" : "uploads.github.com ($T/config/config.toml)",
              "why" : "a deny rule applies",
            """);
    Result bad = corral("policy", "test", "ftp://x");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err())
        .isEqualTo(
            """
            corral: error: invalid URL 'ftp://x': unsupported scheme ftp
              hint: write http://HOST[:PORT]/PATH, https://HOST[:PORT] or HOST[:PORT]
            """);
  }

  @Test
  void trustShowsTheWholeFileTheFirstTimeAndRefusesWithoutATerminal() throws IOException {
    Files.writeString(projectFile, "[network]\nallow = [\"pypi.org\"]\n");
    Result r = corral("trust");
    assertThat(r.code()).isEqualTo(2);
    assertThat(t(r.out()))
        .isEqualTo(
            """
            $T/ws/corral.toml has never been trusted. Its content:
            + [network]
            + allow = ["pypi.org"]

            """);
    assertThat(r.err())
        .isEqualTo(
            """
            corral: error: not trusting corral.toml without confirmation: standard input is not a terminal
              hint: review the change above, then run `corral trust --yes`
            """);
    assertThat(corral("policy", "test", "pypi.org").code()).isEqualTo(1);

    Result yes = corral("trust", "--yes");
    assertThat(yes.code()).isZero();
    assertThat(t(yes.out()))
        .endsWith(
            "trusted $T/ws/corral.toml; sandboxes on this workspace now use its network rules"
                + " and mounts (running ones for new connections)\n");
    assertThat(corral("policy", "test", "pypi.org").code()).isZero();
    assertThat(t(corral("trust").out()))
        .isEqualTo("$T/ws/corral.toml is trusted; it has not changed since\n");
  }

  @Test
  void trustShowsWhatChangedAndAsksOnATerminal() throws IOException {
    Files.writeString(projectFile, "# deps\n[network]\nallow = [\"pypi.org\"]\n");
    assertThat(corral("trust", "--yes").code()).isZero();
    Files.writeString(projectFile, "# deps\n[network]\nallow = [\"pypi.org\", \"evil.com\"]\n");
    Result warned = corral("policy", "test", "pypi.org");
    assertThat(warned.code()).as("the whole [network] allow is ignored").isEqualTo(1);
    assertThat(warned.err())
        .isEqualTo(
            "corral: corral.toml changed since you trusted it; its network rules and mounts are"
                + " ignored until you run corral trust\n");

    terminal = true;
    input = "n\n";
    Result no = corral("trust");
    assertThat(no.code()).isEqualTo(1);
    assertThat(t(no.out()))
        .isEqualTo(
            """
            $T/ws/corral.toml changed since you trusted it:
              # deps
              [network]
            - allow = ["pypi.org"]
            + allow = ["pypi.org", "evil.com"]

            Trust this content? [y/N] not trusted; its network rules and mounts stay ignored
            """);
    input = "y\n";
    assertThat(corral("trust").code()).isZero();
    assertThat(corral("policy", "test", "evil.com").code()).isZero();
  }

  @Test
  void trustWithoutAProjectFileHasNothingToDo() {
    Result r = corral("trust");
    assertThat(r.code()).isZero();
    assertThat(t(r.out())).isEqualTo("no corral.toml in $T/ws: nothing to trust\n");
  }
}
