package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.core.ApprovalAnswer;
import dev.corral.core.ApprovalRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The dashboard in a real headless Chromium against a real server, store and native backend.
 *
 * <p>The host and prompt approvals here are opened through the queue's {@code ApprovalGate}
 * directly, to drive the queue's page (keys, phone layout, hostile screens) in isolation. The real
 * openers — the egress gateway's ask mode and a task's prompt watcher — drive the same pages in
 * corral-app's {@code DashboardEndToEndTest}.
 */
class DashboardBrowserTest {
  @TempDir static Path temp;
  static ServerFixture fixture;
  static Browser browser;

  @BeforeAll
  static void start() {
    Browser.require();
    fixture = ServerFixture.start(temp, 2);
    browser = Browser.start(1280, 900);
    login(browser);
  }

  @AfterAll
  static void stop() {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (fixture != null) {
        fixture.close();
      }
    }
  }

  static String url(String path) {
    return "http://127.0.0.1:" + fixture.server.port() + path;
  }

  static void login(Browser b) {
    b.open(url("/ui/"));
    b.until(d -> String.valueOf(d.getCurrentUrl()).contains("/ui/login"));
    b.find("#token").sendKeys(fixture.token);
    b.find("#login-form button").click();
    b.find("#tasks");
  }

  @Test
  void aWrongTokenStaysOnTheLoginPageAndNoPageOpensWithoutLogin() {
    try (Browser other = Browser.start(1000, 800)) {
      other.open(url("/ui/#/approvals"));
      other.until(d -> String.valueOf(d.getCurrentUrl()).contains("/ui/login"));
      other.find("#token").sendKeys("crl_wrong");
      other.find("#login-form button").click();
      // The message is written after the login request answers: wait for it (the element may be
      // replaced meanwhile, which `until` rides over).
      other.until(
          d -> d.findElement(By.id("login-error")).getText().equals("Invalid or revoked token."));
      assertThat(other.driver.manage().getCookieNamed(DashboardSessions.COOKIE)).isNull();
    }
  }

  @Test
  void startsATaskWatchesItsTerminalReviewsTheDiffAndMergesIt() throws Exception {
    Path repo = ServerFixture.repo(temp.resolve("repo"));
    browser.open(url("/ui/#/tasks"));
    String evil = "<img src=x id=xss-prompt>";
    browser.find("#submit-task input[name=repo]").sendKeys(repo.toString());
    browser
        .find("#submit-task input[name=prompt]")
        .sendKeys(
            "printf '\\033]0;<img src=x id=xss-title>\\007'; echo hello-from-the-agent;"
                + " echo changed > added.txt # "
                + evil);
    browser.find("#submit-task button").click();

    browser.until(d -> browser.terminalText().contains("hello-from-the-agent"));
    browser.until(d -> d.findElement(By.id("task-state")).getText().equals("succeeded"));
    assertThat(browser.find("#terminal-title").getText()).isEqualTo("<img src=x id=xss-title>");
    assertThat(browser.find("#task-prompt").getText()).endsWith(evil);
    assertThat(browser.driver.findElements(By.id("xss-title"))).isEmpty();
    assertThat(browser.driver.findElements(By.id("xss-prompt"))).isEmpty();
    assertThat(browser.find("#diff").getText()).contains("+changed");
    browser.find("#merge-actions #apply");
    browser.screenshot("task");

    browser.find("#merge-actions #merge").click();

    browser.until(d -> d.findElement(By.id("flash")).getText().contains("merged: branch corral/"));
    String id = String.valueOf(browser.driver.getCurrentUrl()).replaceAll(".*#/tasks/", "");
    assertThat(ServerFixture.git(repo, "show", "HEAD:added.txt")).isEqualTo("changed\n");
    browser.open(url("/ui/#/tasks"));
    browser.find("#tasks tr[data-task='" + id + "']");
    assertThat(browser.driver.findElements(By.id("xss-prompt"))).isEmpty();
    browser.screenshot("tasks");
  }

  @Test
  void aHostApprovalShowsUpCountedAndAllowingItAnswersTheGate() throws Exception {
    browser.open(url("/ui/#/approvals"));
    CompletableFuture<ApprovalAnswer> asked =
        fixture
            .server
            .approvals()
            .open(new ApprovalRequest.Host("web-box", "registry.test", 443), Duration.ofMinutes(5));
    WebElement card = browser.find("li.approval[data-kind=host]");
    assertThat(card.getText()).contains("web-box wants to reach registry.test:443");
    browser.until(d -> !d.findElement(By.id("pending-count")).getText().equals("0"));
    browser.screenshot("approvals");

    card.findElement(By.cssSelector("button.allow")).click();

    assertThat(asked.get(30, TimeUnit.SECONDS)).isEqualTo(new ApprovalAnswer.AllowOnce());
    browser.until(d -> d.findElements(By.cssSelector("li.approval[data-kind=host]")).isEmpty());
  }

  @Test
  void aPromptIsAnsweredWithTextAndItsScreenStaysText() throws Exception {
    browser.open(url("/ui/#/approvals"));
    CompletableFuture<ApprovalAnswer> asked =
        fixture
            .server
            .approvals()
            .open(
                new ApprovalRequest.Prompt(
                    "prompt-box",
                    "<script id=xss-screen>alert(1)</script>\nOverwrite config? (y/n)",
                    "Overwrite config? (y/n)"),
                Duration.ofMinutes(5));
    WebElement card = browser.find("li.approval[data-kind=prompt]");
    assertThat(card.findElement(By.cssSelector("pre.screen")).getText())
        .startsWith("<script id=xss-screen>");
    assertThat(browser.driver.findElements(By.id("xss-screen"))).isEmpty();

    card.findElement(By.cssSelector("input.answer-text")).sendKeys("y");
    card.findElement(By.cssSelector("button.send")).click();

    assertThat(asked.get(30, TimeUnit.SECONDS)).isEqualTo(new ApprovalAnswer.Text("y"));
  }

  @Test
  void keyboardShortcutsMoveThroughTheQueueAllowAndDeny() throws Exception {
    browser.open(url("/ui/#/approvals"));
    CompletableFuture<ApprovalAnswer> first =
        fixture
            .server
            .approvals()
            .open(new ApprovalRequest.Host("keys-1", "one.test", 80), Duration.ofMinutes(5));
    CompletableFuture<ApprovalAnswer> second =
        fixture
            .server
            .approvals()
            .open(new ApprovalRequest.Host("keys-2", "two.test", 80), Duration.ofMinutes(5));
    browser.find("li.approval[data-kind=host] .summary");
    browser.until(
        d ->
            d.findElements(By.cssSelector("li.approval .summary")).stream()
                .anyMatch(e -> e.getText().startsWith("keys-2")));
    browser.find("h1").click();
    // Move the selection down to keys-2 (older approvals may wait above it), then deny it.
    for (int i = 0; i < 50 && !selectedSummary().startsWith("keys-2"); i++) {
      new Actions(browser.driver).sendKeys("j").perform();
    }
    new Actions(browser.driver).sendKeys("d").perform();
    assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(new ApprovalAnswer.Deny(false));
    browser.until(d -> !selectedSummary().startsWith("keys-2"));
    for (int i = 0; i < 50 && !selectedSummary().startsWith("keys-1"); i++) {
      new Actions(browser.driver).sendKeys("k").perform();
    }
    new Actions(browser.driver).sendKeys("a").perform();
    assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(new ApprovalAnswer.AllowOnce());
  }

  private static String selectedSummary() {
    // The queue redraws on every change: read it where a redraw cannot leave a stale element.
    return browser.until(
        d -> d.findElement(By.cssSelector("li.approval.selected .summary")).getText());
  }

  @Test
  void aSandboxTerminalIsReadOnlyUntilTheUserTakesControl() throws Exception {
    String name = "web-tty-" + Long.toHexString(System.nanoTime());
    Path ws = java.nio.file.Files.createDirectories(temp.resolve(name));
    fixture.client.createSandbox(
        new dev.corral.api.SandboxRequest(
            name,
            ws.toString(),
            java.util.List.of("sh", "-c", "while read -r line; do eval \"$line\"; done"),
            true,
            null,
            null,
            null,
            null,
            null,
            null,
            null));
    try {
      browser.open(url("/ui/#/sandboxes/" + name));
      browser.find("#terminal .xterm-helper-textarea");
      assertThat(browser.find("#terminal-mode").getText()).isEqualTo("read-only");
      browser.find("#terminal .xterm-helper-textarea").sendKeys("touch viewer-typed\n");

      browser.find("#take-control").click();
      browser.until(d -> d.findElement(By.id("terminal-mode")).getText().equals("in control"));
      browser
          .find("#terminal .xterm-helper-textarea")
          .sendKeys("printf '\\033]0;<b id=xss-tty>t</b>\\007'; echo typed-$((40+2))\n");

      browser.until(d -> browser.terminalText().contains("typed-42"));
      browser.until(
          d -> d.findElement(By.id("terminal-title")).getText().equals("<b id=xss-tty>t</b>"));
      assertThat(browser.driver.findElements(By.id("xss-tty"))).isEmpty();
      assertThat(ws.resolve("viewer-typed"))
          .as("a read-only terminal sends nothing")
          .doesNotExist();
      browser.screenshot("sandbox");
      browser.find("#terminal .xterm-helper-textarea").sendKeys("exit 0\n");
    } finally {
      // Removing a running tty sandbox fails on the native backend today (pty4j's process has no
      // ProcessHandle), so the test ends the shell and removes it once it exited.
      browser.until(d -> !fixture.client.sandbox(name).state().equals("running"));
      fixture.client.removeSandbox(name);
    }
  }

  @Test
  void aRunningTaskIsReadOnlyUntilTheUserTakesControlOfItsTerminal() throws Exception {
    Path repo = ServerFixture.repo(temp.resolve("repo-control"));
    var task =
        fixture.client.submit(
            dev.corral.api.TaskRequest.of(
                repo.toString(),
                "shell",
                "echo waiting-for-a-line; read -r line; echo \"typed:[$line]\" > typed.txt;"
                    + " echo size:$(stty size)"));
    browser.open(url("/ui/#/tasks/" + task.id()));
    browser.until(d -> browser.terminalText().contains("waiting-for-a-line"));
    assertThat(browser.find("#terminal-mode").getText()).isEqualTo("read-only");
    browser.find("#terminal .xterm-helper-textarea").sendKeys("viewer-typed\n");

    browser.until(d -> d.findElement(By.id("take-control")).isDisplayed());
    browser.find("#take-control").click();
    browser.until(d -> d.findElement(By.id("terminal-mode")).getText().equals("in control"));
    browser.find("#terminal .xterm-helper-textarea").sendKeys("hello\n");

    browser.until(d -> d.findElement(By.id("task-state")).getText().equals("succeeded"));
    assertThat(fixture.client.diff(task.id()))
        .as("only the controller's keys reached the agent")
        .contains("+typed:[hello]")
        .doesNotContain("viewer-typed");
    // The page's terminal is 100 by 14: the agent's terminal was resized to it.
    assertThat(fixture.client.log(task.id(), 0)).contains("size:14 100");
  }

  @Test
  void ourOwnPagesRunWithoutContentSecurityPolicyViolations() {
    browser.open(url("/ui/#/tasks"));
    browser.find("#tasks");
    for (String page :
        java.util.List.of("#/approvals", "#/sandboxes", "#/egress", "#/policy", "#/metrics")) {
      browser.open(url("/ui/" + page));
      browser.find("main h1");
    }
    var violations =
        browser.driver.manage().logs().get("browser").getAll().stream()
            .map(Object::toString)
            .filter(l -> l.contains("Content Security Policy") || l.contains("Refused to"))
            .toList();
    assertThat(violations).isEmpty();
  }

  @Test
  void theQueueWorksOnAPhoneWidth() throws Exception {
    try (Browser phone = Browser.start(390, 844)) {
      login(phone);
      var _ =
          fixture
              .server
              .approvals()
              .open(new ApprovalRequest.Host("phone-box", "cdn.test", 443), Duration.ofMinutes(5));
      phone.open(url("/ui/#/approvals"));
      WebElement card = phone.find("li.approval[data-kind=host]");
      WebElement allow = card.findElement(By.cssSelector("button.allow"));
      long right = (long) allow.getRect().getX() + allow.getRect().getWidth();
      assertThat(right).as("the allow button fits the screen").isLessThanOrEqualTo(390);
      phone.screenshot("approvals-phone");
    }
  }
}
