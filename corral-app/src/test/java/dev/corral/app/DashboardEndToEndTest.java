package dev.corral.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.server.Browser;
import dev.corral.server.ServerFixture;
import java.nio.file.Path;
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
  private GatewayServer gateway;
  private Browser browser;
  private int upstreamPort;

  @BeforeEach
  void start() throws Exception {
    Browser.require();
    gateway = GatewayServer.start(tmp, "registry.test");
    upstreamPort = gateway.upstreamPort;
    browser = Browser.start(1280, 1000);
  }

  @AfterEach
  void stop() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (gateway != null) {
        gateway.close();
      }
    }
  }

  private String url(String path) {
    return gateway.url(path);
  }

  @Test
  void logInStartATaskAllowItsHostAnswerItsPromptReviewTheFindingAndMerge() throws Exception {
    Path repo = ServerFixture.repo(tmp.resolve("repo"));
    browser.open(url("/ui/"));
    browser.until(d -> String.valueOf(d.getCurrentUrl()).contains("/ui/login"));
    browser.find("#token").sendKeys(gateway.token);
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
    // The table is redrawn every poll: read the row where a redraw cannot leave it stale.
    String record =
        browser.until(
            d -> {
              WebElement row = d.findElement(By.cssSelector("#task-egress tbody tr"));
              return row.getText() + " [class=" + row.getAttribute("class") + "]";
            });
    assertThat(record)
        .contains("registry.test:" + upstreamPort)
        .contains("allowed once")
        .doesNotContain("denied");
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
    assertThat(gateway.requests).containsExactly("/pkg");
  }
}
