package io.upsfleet.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.AccountView;
import io.upsfleet.api.rest.AssignmentRequest;
import io.upsfleet.api.rest.DestinationRequest;
import io.upsfleet.api.rest.DestinationView;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.api.rest.LicenseOrderRequest;
import io.upsfleet.api.rest.LicenseOrderView;
import io.upsfleet.api.rest.PolicyRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in real headless Chromium against a real gateway (child process, embedded PostgreSQL)
 * with simulated UPSs over MQTT: sign-in, finding a device, a live value changing by push, a
 * command that succeeds, and what a viewer may not do or see. Screenshots of each main view go to
 * target/screenshots.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ConsoleBrowserIT {
  private static final Path TARGET = Path.of("target");
  private static final Path SHOTS = TARGET.resolve("screenshots");
  private static final String VIEWER = "viewer-acme";
  private static final String VIEWER_PASSWORD = "viewer-password-1";
  private static final String ADVANCED = "AS1036000001";
  private static final String STANDARD = "AS1036000002";
  private static final String OTHER = "BS2040000001";

  private static GatewayProcess gateway;
  private static final List<SimulatedUps> devices = new ArrayList<>();
  private static SimulatedUps advanced;
  private static String acmeId;
  private static RunningConsole console;
  private static String consoleUrl;
  private static Browser browser;
  private static WebDriver driver;
  private static WebDriverWait wait;

  @BeforeAll
  static void startEverything() throws Exception {
    Files.createDirectories(SHOTS);
    Path work = Files.createTempDirectory(Files.createDirectories(TARGET), "browser-it-");
    gateway = GatewayProcess.start(work, Duration.ofSeconds(180));

    UpsfleetClient support = new UpsfleetClient(gateway.url());
    support.signIn("support", GatewayProcess.PASSWORD);
    AccountView acme = support.createAccount("Acme Hospital");
    AccountView other = support.createAccount("Other Corp");
    acmeId = acme.id();
    support.createUser(acme.id(), VIEWER, VIEWER_PASSWORD, "ACCOUNT_VIEWER");
    DeviceRegistration a = support.registerDevice(ADVANCED, "SMT1500C", acme.id());
    DeviceRegistration s = support.registerDevice(STANDARD, "SMX3000RMHV2U", acme.id());
    DeviceRegistration o = support.registerDevice(OTHER, "SMT750I", other.id());

    // Make the first device Advanced the way a customer would: order, redeem, assign.
    LicenseOrderView order =
        support.createLicenseOrder(
            new LicenseOrderRequest(
                "PO-1", "SMARTCONNECT-ADVANCED-1Y", 1, null, "ONLINE", "i@example.com"));
    support.redeem(order.code(), acme.id());
    support.assign(new AssignmentRequest(order.code(), List.of(ADVANCED), null, false, acme.id()));

    advanced = new SimulatedUps(ADVANCED, a.secret(), gateway.mqttPort);
    SimulatedUps standard = new SimulatedUps(STANDARD, s.secret(), gateway.mqttPort);
    SimulatedUps otherUps = new SimulatedUps(OTHER, o.secret(), gateway.mqttPort);
    devices.addAll(List.of(advanced, standard, otherUps));
    advanced.telemetry("OB DISCHRG", 23, 97, 3000, 0, 31.5);
    standard.telemetry("OL CHRG", 41, 100, 5400, 229.5, 29);
    otherUps.telemetry("OL", 12, 100, 7200, 231, 27);

    console = RunningConsole.start(gateway.url());
    consoleUrl = console.url();
    browser = Browser.start(Files.createTempDirectory(work, "chrome-"));
    driver = browser.driver;
    wait = browser.wait;
  }

  @AfterAll
  static void stopEverything() {
    if (browser != null) browser.quit();
    if (console != null) console.close();
    devices.forEach(SimulatedUps::close);
    if (gateway != null) gateway.close();
  }

  @BeforeEach
  void signedOut() {
    driver.manage().window().setSize(new Dimension(1280, 800));
    driver.get(consoleUrl + "login");
    driver.manage().deleteAllCookies();
  }

  @Test
  void supportFindsADeviceAndWatchesItsLoadChangeByPush() throws Exception {
    signIn("support", GatewayProcess.PASSWORD);
    waitText(By.id("count-ALL"), "3");
    waitText(By.id("attention-grid"), ADVANCED);
    screenshot("overview");

    driver.get(consoleUrl + "devices");
    type(By.cssSelector("#device-search input"), "AS1036");
    waitText(By.id("device-count"), "2 devices");
    screenshot("device-list");
    assertThat(driver.getCurrentUrl()).endsWith("devices?q=AS1036"); // the URL can be shared
    wait.until(
            ExpectedConditions.elementToBeClickable(
                By.cssSelector("#device-grid a[href='devices/" + ADVANCED + "']")))
        .click();

    waitText(By.id("value-load"), "23 %");
    waitText(By.id("value-charge"), "97 %");
    ((JavascriptExecutor) driver).executeScript("window.__samePage = true;");
    advanced.telemetry("OB DISCHRG", 57, 95, 2800, 0, 32);
    waitText(By.id("value-load"), "57 %");
    assertThat(((JavascriptExecutor) driver).executeScript("return window.__samePage === true;"))
        .as("the value changed by push, without a reload")
        .isEqualTo(true);
    waitText(By.id("plan-current"), "Advanced");
    screenshot("device-detail");

    driver.manage().window().setSize(new Dimension(390, 844));
    waitText(By.id("value-load"), "57 %");
    screenshot("device-detail-narrow");
  }

  @Test
  void supportRunsAnOutletRebootAndSeesItSucceed() {
    signIn("support", GatewayProcess.PASSWORD);
    driver.get(consoleUrl + "devices/" + STANDARD);
    // the gateway's reason (GET …/operations), not a rule repeated in the console
    waitText(
        By.id("reason-OUTLET_GROUP_REBOOT"),
        "Remote outlet-group reboot needs the Advanced plan; the device is on Standard.");
    assertThat(driver.findElement(By.id("cmd-OUTLET_GROUP_REBOOT")).getAttribute("disabled"))
        .isNotNull();

    driver.get(consoleUrl + "devices/" + ADVANCED);
    WebElement reboot =
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("cmd-OUTLET_GROUP_REBOOT")));
    wait.until(d -> reboot.getAttribute("disabled") == null);
    click(reboot);
    waitText(By.id("confirm-text"), "Outlet group 1 will be switched off");
    click(wait.until(ExpectedConditions.elementToBeClickable(By.id("confirm-command"))));
    waitText(By.id("command-grid"), "SUCCEEDED");
    waitText(By.id("command-count"), "1 command.");
    waitText(By.id("firmware-target"), "Installs UPS"); // the target the gateway resolved
    screenshot("device-command-succeeded");
  }

  @Test
  void viewerCannotOperateDevicesNorSeeAnotherAccountsDevice() {
    signIn(VIEWER, VIEWER_PASSWORD);
    driver.get(consoleUrl + "devices");
    waitText(By.id("device-count"), "2 devices");
    assertThat(driver.findElements(By.cssSelector("#device-grid a[href='devices/" + OTHER + "']")))
        .isEmpty();

    driver.get(consoleUrl + "devices/" + ADVANCED);
    waitText(By.id("reason-SELF_TEST"), "Viewers cannot operate devices.");
    for (String c :
        List.of("OUTLET_GROUP_REBOOT", "FIRMWARE_UPGRADE", "SET_INPUT_SENSITIVITY", "SELF_TEST")) {
      assertThat(driver.findElement(By.id("cmd-" + c)).getAttribute("disabled")).as(c).isNotNull();
    }
    assertThat(driver.findElements(By.cssSelector("vaadin-side-nav-item[path='accounts']")))
        .isEmpty();

    driver.get(consoleUrl + "devices/" + OTHER);
    waitText(By.id("device-not-found"), "There is no device " + OTHER + " that you can see.");
  }

  /**
   * Acceptance 1 of issue 13: an admin adds an operator, the operator reboots an outlet group, the
   * admin disables the operator in the console and the operator's open session stops working; the
   * audit page shows all of it.
   */
  @Test
  void anAdminDisablesAnOperatorWhoseSessionStopsAndTheAuditPageShowsIt() throws Exception {
    // Set-up through the API: the account's admin, and a connected device of its own on Advanced
    // (the other tests count the commands of theirs).
    UpsfleetClient support = new UpsfleetClient(gateway.url());
    support.signIn("support", GatewayProcess.PASSWORD);
    support.createUser(acmeId, "admin-acme", "admin-password-123", "ACCOUNT_ADMIN");
    String serial = "AS1036000003";
    DeviceRegistration registration = support.registerDevice(serial, "SMT1500C", acmeId);
    LicenseOrderView order =
        support.createLicenseOrder(
            new LicenseOrderRequest(
                "PO-2", "SMARTCONNECT-ADVANCED-1Y", 1, null, "ONLINE", "i@example.com"));
    support.redeem(order.code(), acmeId);
    support.assign(new AssignmentRequest(order.code(), List.of(serial), null, false, acmeId));
    SimulatedUps ups = new SimulatedUps(serial, registration.secret(), gateway.mqttPort);
    devices.add(ups);
    ups.telemetry("OL CHRG", 30, 100, 4000, 230, 28);

    // Everything below is done in the console, in one browser whose session cookies are swapped
    // between the admin and the operator, as two people at two browsers would be.
    signIn("admin-acme", "admin-password-123");
    driver.get(consoleUrl + "accounts");
    type(By.cssSelector("#user-name input"), "operator-acme");
    type(By.cssSelector("#user-password input"), "operator-password-1");
    browser.choose(By.id("user-role"), "Operator (runs remote operations)");
    click(driver.findElement(By.id("user-create")));
    waitText(By.id("user-grid"), "operator-acme");
    Set<Cookie> adminSession = driver.manage().getCookies();

    switchTo(Set.of());
    signIn("operator-acme", "operator-password-1");
    driver.get(consoleUrl + "devices/" + serial);
    WebElement reboot =
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("cmd-OUTLET_GROUP_REBOOT")));
    wait.until(d -> reboot.getAttribute("disabled") == null);
    click(reboot);
    waitText(By.id("confirm-text"), "Outlet group 1 will be switched off");
    click(wait.until(ExpectedConditions.elementToBeClickable(By.id("confirm-command"))));
    waitText(By.id("command-grid"), "operator-acme");
    Set<Cookie> operatorSession = driver.manage().getCookies();

    switchTo(adminSession);
    driver.get(consoleUrl + "accounts");
    waitText(By.id("user-grid"), "operator-acme");
    screenshot("users");
    click(wait.until(ExpectedConditions.elementToBeClickable(By.id("user-toggle-operator-acme"))));
    waitText(By.id("user-grid"), "Disabled");

    // The operator's open console session: its next page finds the token refused and signs out.
    switchTo(operatorSession);
    driver.get(consoleUrl + "devices/" + serial);
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("sign-in")));
    assertThat(driver.findElements(By.id("command-grid"))).isEmpty();
    assertThat(driver.findElements(By.id("current-user"))).isEmpty();

    switchTo(adminSession);
    driver.get(consoleUrl + "audit");
    waitText(By.id("audit-grid"), "user.create");
    waitText(By.id("audit-grid"), "command.request");
    waitText(By.id("audit-grid"), "user.update");
    waitText(By.id("audit-grid"), "operator-acme");
    screenshot("audit");
  }

  /** Makes the browser carry {@code cookies} (a signed-in session of someone, or none). */
  private static void switchTo(Set<Cookie> cookies) {
    driver.get(consoleUrl + "login");
    driver.manage().deleteAllCookies();
    for (Cookie c : cookies) driver.manage().addCookie(c);
  }

  @Test
  void supportSeesOrdersAndPreviewsAnAssignment() {
    signIn("support", GatewayProcess.PASSWORD);
    driver.get(consoleUrl + "licenses");
    waitText(By.id("order-grid"), "PO-1");
    screenshot("licenses");
    driver.get(consoleUrl + "accounts");
    waitText(By.id("account-grid"), "Acme Hospital");
    screenshot("accounts");
  }

  @Test
  void anAdminAddsASiteSendsATestMessageAndSeesItInTheDeliveryLog() {
    UpsfleetClient support = new UpsfleetClient(gateway.url());
    support.signIn("support", GatewayProcess.PASSWORD);
    AccountView account = support.createAccount("Notify Corp");
    support.createUser(account.id(), "admin-notify", "admin-password-1", "ACCOUNT_ADMIN");
    DestinationView mail =
        support.createDestination(
            account.id(), new DestinationRequest("EMAIL", "ops-mail", null, "ops@example.com"));
    support.createPolicy(
        account.id(),
        new PolicyRequest("all alarms", "WARNING", null, null, null, List.of(mail.id()), false));

    signIn("admin-notify", "admin-password-1");
    driver.get(consoleUrl + "notifications");
    waitText(By.id("policy-grid"), "all alarms");
    type(By.cssSelector("#site-name input"), "Lyon-2");
    click(driver.findElement(By.id("site-add")));
    waitText(By.id("site-grid"), "Lyon-2");

    click(wait.until(ExpectedConditions.presenceOfElementLocated(By.id("test-ops-mail"))));
    waitText(By.id("test-outcome"), "Test message delivered to ops-mail.");
    waitText(By.id("delivery-grid"), "Test message from upsfleet");

    // A destination inside the network is refused with the gateway's reason.
    type(By.cssSelector("#destination-name input"), "internal");
    type(By.cssSelector("#destination-target input"), "https://10.0.0.1/hook");
    click(driver.findElement(By.id("destination-add")));
    waitText(By.tagName("vaadin-notification-card"), "a private address");
    screenshot("notifications");
  }

  @Test
  void wrongPasswordShowsTheReasonAndStaysOnSignIn() {
    driver.get(consoleUrl + "devices?status=ON_BATTERY");
    waitText(By.id("sign-in"), "Sign in");
    type(By.cssSelector("#username input"), "support");
    type(By.cssSelector("#password input"), "not-the-password");
    driver.findElement(By.cssSelector("#password input")).sendKeys(Keys.ENTER);
    waitText(By.id("login-error"), "Wrong username or password.");
    assertThat(driver.getCurrentUrl()).contains("login");
  }

  private static void signIn(String user, String password) {
    driver.get(consoleUrl + "login");
    type(By.cssSelector("#username input"), user);
    type(By.cssSelector("#password input"), password);
    driver.findElement(By.cssSelector("#password input")).sendKeys(Keys.ENTER);
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("current-user")));
  }

  /**
   * Clicks after scrolling the element to the middle (the app layout scrolls its content, not the
   * window).
   */
  private static void click(WebElement e) {
    browser.click(e);
  }

  private static void type(By field, String text) {
    browser.type(field, text);
  }

  private static void waitText(By by, String text) {
    browser.waitText(by, text);
  }

  private static void screenshot(String name) {
    browser.screenshot(name);
  }
}
