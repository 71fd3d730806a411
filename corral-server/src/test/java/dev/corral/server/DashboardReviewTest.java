package dev.corral.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corral.api.TaskRequest;
import dev.corral.api.TaskView;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The task page's review: findings inline in the diff, the summary, and the accept-risk
 * confirmation in front of a blocked merge, in a real Chromium against a real server whose tasks
 * run on the native backend and are reviewed by the real airlock checks.
 */
class DashboardReviewTest {
  /** A file name that is markup: it must reach the page as text. */
  static final String EVIL = "<img src=x id=xss-finding>.sh";

  /**
   * A symlink to the user's SSH key and an AWS key ID on line 2 of deploy.ini (both block), an
   * executable file named like markup (warn), and an ordinary change. The key is assembled by the
   * shell so that this source holds no whole key.
   */
  static final String PROMPT =
      "echo changed > added.txt; ln -s '~/.ssh/id_rsa' key;"
          + " printf 'region = eu\\nkey = AKIA%s\\n' 4QZD7XN2MB5RTW3K > deploy.ini;"
          + " printf 'echo hi\\n' > '"
          + EVIL
          + "'; chmod +x '"
          + EVIL
          + "'";

  @TempDir static Path temp;
  static ServerFixture fixture;
  static Browser browser;

  @BeforeAll
  static void start() {
    Browser.require();
    fixture = ServerFixture.start(temp, 2);
    browser = Browser.start(1280, 1100);
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
  void showsBlockingFindingsInlineAndMergesOnlyAfterTheUserAcceptsTheRisk() throws Exception {
    Path repo = ServerFixture.repo(temp.resolve("repo"));
    String head = ServerFixture.git(repo, "rev-parse", "HEAD");
    browser.open(url("/ui/#/tasks"));
    browser.find("#submit-task input[name=repo]").sendKeys(repo.toString());
    browser.find("#submit-task input[name=prompt]").sendKeys(PROMPT);
    browser.find("#submit-task button").click();
    browser.until(d -> d.findElement(By.id("task-state")).getText().equals("succeeded"));

    WebElement summary = browser.find("#findings");
    assertThat(summary.findElement(By.cssSelector(".count.block")).getText()).isEqualTo("2 block");
    assertThat(summary.findElement(By.cssSelector(".count.warn")).getText()).isEqualTo("1 warn");
    assertThat(browser.find("#findings-blocking").getText())
        .isEqualTo("blocking: merge needs accept-risk");
    assertThat(summary.getText()).contains("LLM review skipped");
    // The symlink's finding sits under its own file's header, not under another file.
    WebElement symlink =
        browser.find("#diff .file-section[data-paths='key'] > .finding.block[data-check=symlink]");
    assertThat(symlink.getText()).contains("BLOCK").contains("key").contains("~/.ssh/id_rsa");
    assertThat(
            browser.driver.findElements(
                By.cssSelector("#diff .file-section:not([data-paths='key']) [data-path='key']")))
        .isEmpty();
    // The secret's finding follows line 2 of the new deploy.ini, the line that holds the key.
    WebElement secret =
        browser.find(
            "#diff .file-section[data-paths='deploy.ini'] > .finding.block[data-check=secret]");
    assertThat(secret.getAttribute("data-line")).isEqualTo("2");
    WebElement before = secret.findElement(By.xpath("preceding-sibling::*[1]"));
    assertThat(before.getAttribute("class")).isEqualTo("add");
    assertThat(before.getText()).startsWith("+key = AKIA");
    // The markup-named file is text everywhere: in its finding and in the diff.
    WebElement executable =
        browser.find("#diff .file-section > .finding.warn[data-check=executable]");
    assertThat(executable.getAttribute("data-path")).isEqualTo(EVIL);
    assertThat(executable.getText()).contains(EVIL);
    assertThat(browser.driver.findElements(By.id("xss-finding"))).isEmpty();

    browser.find("#merge-actions #merge").click();

    WebElement confirm = browser.find("#accept-risk");
    browser.until(d -> confirm.isDisplayed());
    assertThat(confirm.getText())
        .contains("Review found 2 blocking finding(s)")
        .contains("symlink key:")
        .contains("secret deploy.ini:2:");
    assertThat(browser.find("#accept-risk-confirm").getText())
        .isEqualTo("Merge anyway (accept risk)");
    browser.script("document.getElementById('merge-actions').scrollIntoView()");
    browser.screenshot("dashboard-review");
    browser.find("#accept-risk-cancel").click();
    browser.until(d -> !confirm.isDisplayed());
    assertThat(ServerFixture.git(repo, "rev-parse", "HEAD")).isEqualTo(head);
    assertThat(browser.find("#flash").isDisplayed())
        .as("nothing was sent, nothing failed")
        .isFalse();

    browser.find("#merge-actions #merge").click();
    browser.find("#accept-risk-confirm").click();

    browser.until(
        d ->
            d.findElement(By.id("flash"))
                .getText()
                .startsWith(
                    "merged despite 2 blocking finding(s) (risk accepted): branch corral/"));
    assertThat(ServerFixture.git(repo, "rev-parse", "HEAD")).isNotEqualTo(head);
    assertThat(ServerFixture.git(repo, "show", "HEAD:added.txt")).isEqualTo("changed\n");
    assertThat(ServerFixture.git(repo, "show", "HEAD:deploy.ini")).contains("key = AKIA");
    assertThat(browser.find("#accept-risk").isDisplayed()).isFalse();
    assertThat(violations(browser)).isEmpty();
  }

  @Test
  void findingsOutsideTheDiffAreListedAtTheTopAndLinesFollowTheHunkHeaders() {
    // Its own browser: the crafted page must not linger in the other tests' page.
    try (Browser crafted = Browser.start(1000, 800)) {
      login(crafted);
      renderCrafted(crafted);
    }
  }

  private static void renderCrafted(Browser browser) {
    // The page's own module renders a crafted review: a second hunk, a deleted line, a content
    // line starting with "+++", a quoted non-ASCII path, and a finding for a path not in the diff.
    String diff =
        """
        diff --git a/src/a.txt b/src/a.txt
        index 1111111..2222222 100644
        --- a/src/a.txt
        +++ b/src/a.txt
        @@ -1,3 +1,3 @@
         one
        -two
        +TWO
         three
        @@ -20,2 +20,3 @@ ctx
         twenty
        +++plus
         twenty-one
        diff --git "a/\\303\\244.sh" "b/\\303\\244.sh"
        old mode 100644
        new mode 100755
        """;
    Object placed =
        browser.driver.executeAsyncScript(
            """
            const done = arguments[arguments.length - 1];
            import('/ui/static/review.js').then((m) => {
              const r = m.reviewedDiff(arguments[0], arguments[1]);
              const box = document.createElement('div');
              box.id = 'crafted';
              box.append(m.reviewSummary({blocking: true, files: 2, findings: arguments[1],
                notes: ['a note <b id=xss-note>']}, r.elsewhere), r.element);
              document.getElementById('main').replaceChildren(box);
              done('ok');
            }, (e) => done(String(e)));
            """,
            diff,
            List.of(
                finding("block", "llm", "elsewhere/<i id=xss-else>.txt", 0),
                finding("warn", "secret", "src/a.txt", 2),
                finding("warn", "unicode", "src/a.txt", 21),
                finding("info", "size", "src/a.txt", 99),
                finding("warn", "executable", "ä.sh", 0)));
    assertThat(placed).isEqualTo("ok");
    WebElement elsewhere = browser.find("#crafted #findings-elsewhere .finding.block");
    assertThat(elsewhere.getAttribute("data-path")).isEqualTo("elsewhere/<i id=xss-else>.txt");
    assertThat(lineBefore(browser, "[data-check=secret]")).isEqualTo("+TWO");
    assertThat(lineBefore(browser, "[data-check=unicode]")).isEqualTo("+++plus");
    // A line the diff does not show goes under the file's header.
    assertThat(lineBefore(browser, "[data-check=size]")).isEqualTo("+++ b/src/a.txt");
    assertThat(
            browser
                .find("#crafted .file-section > .finding[data-check=executable]")
                .findElement(By.xpath(".."))
                .getAttribute("data-paths"))
        .isEqualTo("ä.sh");
    assertThat(browser.find("#crafted #findings-notes").getText())
        .isEqualTo("a note <b id=xss-note>");
    assertThat(browser.driver.findElements(By.cssSelector("#xss-else, #xss-note"))).isEmpty();
  }

  @Test
  void findingsFitAPhoneScreenAndApplyAsksToo() throws Exception {
    Path repo = ServerFixture.repo(temp.resolve("phone-repo"));
    String longName = "a-very-long-directory-name-that-does-not-fit/" + "x".repeat(80) + ".sh";
    TaskView task =
        fixture.client.submit(
            new TaskRequest(
                repo.toString(),
                null,
                "shell",
                "mkdir -p a-very-long-directory-name-that-does-not-fit; "
                    + "printf 'echo %s\\n' "
                    + "y".repeat(200)
                    + " > "
                    + longName
                    + "; chmod +x "
                    + longName
                    + "; ln -s /etc/passwd-with-a-long-target-name-"
                    + "z".repeat(60)
                    + " link",
                null,
                null,
                null,
                null,
                null,
                null));
    try (Browser phone = Browser.start(390, 844)) {
      login(phone);
      phone.open(url("/ui/#/tasks/" + task.id()));
      phone.until(d -> d.findElement(By.id("task-state")).getText().equals("succeeded"));
      phone.find("#diff .finding.block[data-check=symlink]");
      for (WebElement finding : phone.driver.findElements(By.cssSelector(".finding, #findings"))) {
        long right = (long) finding.getRect().getX() + finding.getRect().getWidth();
        assertThat(right).as("%s fits the screen", finding.getText()).isLessThanOrEqualTo(390);
      }
      assertThat((Long) phone.script("return document.documentElement.scrollWidth"))
          .as("the page does not scroll sideways")
          .isLessThanOrEqualTo(390L);
      phone.find("#merge-actions #merge").click();
      WebElement confirm = phone.find("#accept-risk-confirm");
      assertThat((long) confirm.getRect().getX() + confirm.getRect().getWidth())
          .isLessThanOrEqualTo(390);
      phone.script("document.getElementById('findings').scrollIntoView()");
      phone.screenshot("dashboard-review-phone");

      // Apply asks the same way, and applies unstaged once the risk is accepted.
      phone.find("#accept-risk-cancel").click();
      phone.find("#merge-actions #apply").click();
      assertThat(phone.find("#accept-risk-confirm").getText())
          .isEqualTo("Apply anyway (accept risk)");
      assertThat(repo.resolve(longName)).doesNotExist();
      phone.find("#accept-risk-confirm").click();
      phone.until(
          d ->
              d.findElement(By.id("flash"))
                  .getText()
                  .startsWith("applied 2 path(s) despite 1 blocking finding(s) (risk accepted)"));
      assertThat(repo.resolve(longName)).isRegularFile();
      assertThat(ServerFixture.git(repo, "status", "--porcelain")).contains("?? a-very-long");
    }
  }

  private static String lineBefore(Browser browser, String finding) {
    return browser
        .find("#crafted .finding" + finding)
        .findElement(By.xpath("preceding-sibling::*[1]"))
        .getText();
  }

  private static Map<String, Object> finding(String severity, String check, String path, int line) {
    return Map.of(
        "severity",
        severity,
        "check",
        check,
        "path",
        path,
        "line",
        line,
        "message",
        "found in " + path,
        "hint",
        "look at it");
  }

  static List<String> violations(Browser b) {
    return b.driver.manage().logs().get("browser").getAll().stream()
        .map(Object::toString)
        .filter(l -> l.contains("Content Security Policy") || l.contains("Refused to"))
        .toList();
  }
}
