package io.upsfleet.ui;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementClickInterceptedException;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by Selenium for the browser tests, with the steps they share:
 * click (after scrolling into view: the app layout scrolls its content, not the window), type, wait
 * for a text, screenshot. The binary and driver are given explicitly, so Selenium Manager never
 * runs and nothing is downloaded.
 */
final class Browser {
  private static final Path SHOTS = Path.of("target", "screenshots");
  final WebDriver driver;
  final WebDriverWait wait;

  private Browser(WebDriver driver) {
    this.driver = driver;
    this.wait = new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(200));
  }

  /** Starts Chromium with a profile of its own in {@code profile} and any further switches. */
  static Browser start(Path profile, String... moreArguments) {
    ChromeOptions o = new ChromeOptions();
    o.setBinary("/usr/bin/chromium");
    List<String> args =
        new ArrayList<>(
            List.of(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--window-size=1280,800",
                "--user-data-dir=" + profile));
    args.addAll(List.of(moreArguments));
    o.addArguments(args);
    ChromeDriverService svc =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File("/usr/bin/chromedriver"))
            .usingAnyFreePort()
            .build();
    return new Browser(new ChromeDriver(svc, o));
  }

  void scrollTo(By by) {
    ((JavascriptExecutor) driver)
        .executeScript("arguments[0].scrollIntoView({block: 'center'});", driver.findElement(by));
  }

  void click(WebElement e) {
    ((JavascriptExecutor) driver)
        .executeScript("arguments[0].scrollIntoView({block: 'center'});", e);
    wait.until(ExpectedConditions.elementToBeClickable(e)).click();
  }

  /** Clicks an element that the page may replace at any moment (found again when it goes stale). */
  void clickFresh(By by) {
    fresh()
        .ignoring(StaleElementReferenceException.class, ElementClickInterceptedException.class)
        .until(
            d -> {
              WebElement e = d.findElement(by);
              ((JavascriptExecutor) d)
                  .executeScript("arguments[0].scrollIntoView({block: 'center'});", e);
              e.click();
              return true;
            });
  }

  /** A wait of its own: a message or ignored exception set on it stays out of {@link #wait}. */
  private WebDriverWait fresh() {
    return new WebDriverWait(driver, Duration.ofSeconds(30), Duration.ofMillis(200));
  }

  void type(By field, String text) {
    WebElement e = wait.until(ExpectedConditions.elementToBeClickable(field));
    e.clear();
    e.sendKeys(text);
  }

  void waitText(By by, String text) {
    fresh()
        .withMessage(() -> by + " to contain '" + text + "'")
        .ignoring(StaleElementReferenceException.class)
        .until(d -> d.findElements(by).stream().anyMatch(e -> e.getText().contains(text)));
  }

  /**
   * Signs in on the console's sign-in page and waits for the signed-in frame, saying what the page
   * answered when it does not come.
   */
  void signIn(String consoleUrl, String user, String password) {
    driver.get(consoleUrl + "login");
    type(By.cssSelector("#username input"), user);
    type(By.cssSelector("#password input"), password);
    // The button, not Enter: the fields' values reach the server (change on blur) before the click.
    click(driver.findElement(By.id("sign-in")));
    fresh()
        .withMessage(
            () ->
                "signed in as "
                    + user
                    + "; the page says: "
                    + driver.findElements(By.id("login-error")).stream()
                        .map(WebElement::getText)
                        .findFirst()
                        .orElse(""))
        .until(ExpectedConditions.presenceOfElementLocated(By.id("current-user")));
  }

  /**
   * Picks an item of a vaadin-select by its label: an item of the opened list, not the copy of a
   * select's value that each select shows (id {@code value-…}), which another select on the page
   * may have with the same label.
   */
  void choose(By select, String label) {
    click(wait.until(ExpectedConditions.presenceOfElementLocated(select)));
    By item =
        By.xpath(
            "//vaadin-select-item[not(starts-with(@id, 'value-')) and normalize-space(.)='"
                + label
                + "']");
    click(
        fresh()
            .ignoring(StaleElementReferenceException.class)
            .until(
                d ->
                    d.findElements(item).stream()
                        .filter(WebElement::isDisplayed)
                        .findFirst()
                        .orElse(null)));
  }

  /** Saves a picture of the page as target/screenshots/{name}.png. */
  void screenshot(String name) {
    try {
      Files.createDirectories(SHOTS);
      // let the last push round-trip paint before the picture
      wait.until(
          d ->
              "complete"
                  .equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
      File f = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (Exception e) {
      throw new IllegalStateException("screenshot " + name, e);
    }
  }

  void quit() {
    driver.quit();
  }
}
