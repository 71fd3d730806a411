package dev.corral.server;

import dev.corral.tck.Capability;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by Debian's chromedriver: no browser or driver downloads
 * (Selenium Manager is never asked, because the driver's path is given). Public for corral-app's
 * end-to-end browser test, which gets it from this module's test-jar.
 */
public final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  public final ChromeDriver driver;

  private Browser(ChromeDriver driver) {
    this.driver = driver;
  }

  public static void require() {
    Capability.require(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Chromium for the dashboard tests (apt-get install chromium chromium-driver)");
  }

  public static Browser start(int width, int height) {
    require();
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
    ChromeOptions options = new ChromeOptions();
    var logging = new org.openqa.selenium.logging.LoggingPreferences();
    logging.enable(org.openqa.selenium.logging.LogType.BROWSER, java.util.logging.Level.ALL);
    options.setCapability("goog:loggingPrefs", logging);
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=" + width + "," + height);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(width, height));
    return new Browser(driver);
  }

  public void open(String url) {
    driver.get(url);
  }

  public WebElement find(String css) {
    return until(d -> d.findElement(By.cssSelector(css)));
  }

  public <T> T until(Function<WebDriver, T> condition) {
    try {
      return java.util.Objects.requireNonNull(
          new WebDriverWait(driver, Duration.ofSeconds(60))
              .ignoring(org.openqa.selenium.NoSuchElementException.class)
              .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
              .until(condition));
    } catch (org.openqa.selenium.TimeoutException e) {
      // Say what the page showed: the flash message and the console tell why.
      StringBuilder state = new StringBuilder("at " + driver.getCurrentUrl() + "\n");
      state.append(String.valueOf(script("return document.body ? document.body.innerText : ''")));
      driver.manage().logs().get("browser").forEach(l -> state.append("\nconsole: ").append(l));
      throw new AssertionError("the page never got there:\n" + state, e);
    }
  }

  public @Nullable Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  /** The text of the page's terminal (xterm.js keeps it in its buffer, not in the DOM). */
  public String terminalText() {
    Object text =
        script(
            "const t = window.corralTerminal; if (!t) return '';"
                + " const b = t.buffer.active; const lines = [];"
                + " for (let i = 0; i < b.length; i++) lines.push(b.getLine(i).translateToString(true));"
                + " return lines.join('\\n');");
    return String.valueOf(text);
  }

  /** Saves a screenshot to {@code corral.screenshots} (default: target/screenshots). */
  public void screenshot(String name) throws Exception {
    Path dir = Path.of(System.getProperty("corral.screenshots", "target/screenshots"));
    Files.createDirectories(dir);
    byte[] png = driver.getScreenshotAs(OutputType.BYTES);
    Files.write(dir.resolve(name + ".png"), png);
  }

  @Override
  public void close() {
    driver.quit();
  }
}
