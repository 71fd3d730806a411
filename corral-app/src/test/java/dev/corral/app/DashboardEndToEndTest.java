package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.corral.core.CorralDirs;
import dev.corral.core.EventSink;
import dev.corral.core.HostPath;
import dev.corral.egress.AddressCheck;
import dev.corral.engine.Engine;
import dev.corral.server.ApprovalQueue;
import dev.corral.server.ApprovalSettings;
import dev.corral.server.Browser;
import dev.corral.server.CloneTaskWorkspaces;
import dev.corral.server.CorralServer;
import dev.corral.server.ServerConfig;
import dev.corral.server.ServerFixture;
import dev.corral.server.ShellAgent;
import dev.corral.store.SqliteStore;
import dev.corral.tck.Capability;
import dev.corral.workspace.ReviewSettings;
import dev.corral.workspace.Workspaces;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The whole human loop in a real headless Chromium, composed like {@code corral server} composes
 * it: the server's approval queue is the real egress gateway's approver. The user logs in, starts a
 * task with the scripted {@code shell} agent in ask mode, watches its terminal, allows the unknown
 * host the agent requests (the request then reaches the upstream), answers the agent's {@code
 * (y/n)} prompt (the answer is typed into its terminal), sees the review finding inline in the
 * diff, and merges after accepting the risk. The test host resolves to 127.0.0.2 through the
 * gateway's resolver overrides, and the test's address guard lets exactly 127.0.0.2 stand in for a
 * public address; nothing leaves this machine.
 */
class DashboardEndToEndTest {
  @TempDir Path tmp;
  private HttpServer upstream;
  private GatewayEgress egress;
  private SqliteStore store;
  private CorralServer server;
  private Browser browser;
  private String token;
  private int upstreamPort;
  private final List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    Browser.require();
    Capability.require(Files.isExecutable(Path.of("/usr/bin/bwrap")), "bubblewrap");
    Capability.require(Files.isExecutable(Path.of("/usr/bin/socat")), "socat");
    upstream = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0), 0);
    upstream.createContext(
        "/",
        exchange -> {
          requests.add(exchange.getRequestURI().toString());
          byte[] body =
              ("hello from upstream " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    upstream.start();
    upstreamPort = upstream.getAddress().getPort();

    CorralDirs dirs =
        new CorralDirs(
            HostPath.of(tmp.resolve("config")),
            HostPath.of(tmp.resolve("data")),
            HostPath.of(tmp.resolve("state")),
            HostPath.of(tmp.resolve("runtime")));
    ApproverSlot approver = new ApproverSlot();
    egress =
        new GatewayEgress(
            dirs,
            TomlConfigSource.of(dirs),
            approver,
            (address, privateTargets) ->
                address.getHostAddress().equals("127.0.0.2")
                    ? Optional.empty()
                    : AddressCheck.refusal(address, privateTargets));
    egress.resolve(Map.of("registry.test", "127.0.0.2"));
    TomlConfigSource config = TomlConfigSource.of(dirs);
    Path data = Files.createDirectories(tmp.resolve("server"));
    store = SqliteStore.open(data.resolve("store.db"), true);
    ApprovalQueue approvals = ApprovalQueue.open(store, ApprovalSettings.DEFAULT);
    approver.fill(approvals);
    Engine engine = Engine.load(dirs, EventSink.NONE, egress);
    server =
        CorralServer.start(
            ServerConfig.loopback(data, 0, 1),
            store,
            engine,
            new CloneTaskWorkspaces(
                new Workspaces(dirs), engine, data.resolve("mirrors"), ReviewSettings.DEFAULT),
            new ShellAgent(),
            Optional.of(new ConfigEgressAdmin(dirs, config, egress)),
            approvals);
    token = Files.readString(CorralServer.tokenFile(data)).strip();
    browser = Browser.start(1280, 1000);
  }

  @AfterEach
  void stop() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      try {
        if (server != null) {
          server.close();
        }
      } finally {
        if (store != null) {
          store.close();
        }
        if (egress != null) {
          egress.close();
        }
        if (upstream != null) {
          upstream.stop(0);
        }
      }
    }
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.port() + path;
  }

  @Test
  void logInStartATaskAllowItsHostAnswerItsPromptReviewTheFindingAndMerge() throws Exception {
    Path repo = ServerFixture.repo(tmp.resolve("repo"));
    browser.open(url("/ui/"));
    browser.until(d -> String.valueOf(d.getCurrentUrl()).contains("/ui/login"));
    browser.find("#token").sendKeys(token);
    browser.find("#login-form button").click();
    browser.find("#tasks");

    browser.find("#submit-task input[name=repo]").sendKeys(repo.toString());
    browser
        .find("#submit-task input[name=prompt]")
        .sendKeys(
            "echo hello-from-the-agent;"
                + " python3 -c 'import urllib.request;"
                + " print(urllib.request.urlopen(\"http://registry.test:"
                + upstreamPort
                + "/pkg\").read().decode())';"
                + " printf 'Link the deploy key? (y/n) '; read -r a;"
                + " [ \"$a\" = y ] && ln -s /root/.ssh/id_rsa deploy-key;"
                + " echo changed > added.txt");
    browser.find("#submit-task input[name=egressAsk]").click();
    browser.find("#submit-task button").click();

    // The agent's output appears, then it waits at the unknown host: the approval is on the page.
    browser.until(d -> browser.terminalText().contains("hello-from-the-agent"));
    String id = String.valueOf(browser.driver.getCurrentUrl()).replaceAll(".*#/tasks/", "");
    WebElement host = browser.find("#task-approvals li.approval[data-kind=host]");
    assertThat(host.getText()).contains(id + " wants to reach registry.test:" + upstreamPort);
    browser.until(d -> !d.findElement(By.id("pending-count")).getText().equals("0"));
    browser.screenshot("task-host-approval");
    host.findElement(By.cssSelector("button.allow")).click();

    // Allowed once: the request reached the upstream. Then the agent asks its question.
    browser.until(d -> browser.terminalText().contains("hello from upstream /pkg"));
    // The gateway's audit record of the request, on the task's egress log.
    browser.until(
        d ->
            d.findElement(By.id("task-egress"))
                .getText()
                .contains("registry.test:" + upstreamPort));
    WebElement record = browser.find("#task-egress tbody tr");
    assertThat(record.getText()).contains("registry.test:" + upstreamPort).contains("allowed once");
    assertThat(record.getAttribute("class")).doesNotContain("denied");
    WebElement prompt = browser.find("#task-approvals li.approval[data-kind=prompt]");
    assertThat(prompt.findElement(By.cssSelector("pre.screen")).getText())
        .contains("Link the deploy key? (y/n)");
    browser.screenshot("task-prompt");
    prompt.findElement(By.cssSelector("input.answer-text")).sendKeys("y");
    prompt.findElement(By.cssSelector("button.send")).click();

    // The answer was typed into the terminal; the agent finished; its diff shows the finding.
    browser.until(d -> d.findElement(By.id("task-state")).getText().equals("succeeded"));
    assertThat(browser.terminalText()).contains("(y/n) y");
    WebElement finding = browser.find("#diff-view .finding.block[data-path='deploy-key']");
    assertThat(finding.getAttribute("data-check")).isEqualTo("symlink");
    assertThat(browser.find("#findings").getText()).contains("blocking");
    assertThat(browser.find("#diff").getText()).contains("+changed");
    browser.screenshot("task-review");

    // Merge refuses while the finding blocks; accepting the risk merges.
    browser.find("#merge-actions #merge").click();
    assertThat(browser.find("#accept-risk").getText()).contains("deploy-key");
    assertThat(ServerFixture.git(repo, "log", "--format=%s", "-1")).isEqualTo("first\n");
    browser.find("#accept-risk-confirm").click();
    browser.until(d -> d.findElement(By.id("flash")).getText().contains("merged"));
    assertThat(ServerFixture.git(repo, "show", "HEAD:added.txt")).isEqualTo("changed\n");
    assertThat(ServerFixture.git(repo, "log", "-1", "--format=%B")).contains("deploy-key");
    assertThat(requests).containsExactly("/pkg");
  }
}
