package io.upsfleet.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.AccountView;
import io.upsfleet.api.rest.AssignmentRequest;
import io.upsfleet.api.rest.CommandRequest;
import io.upsfleet.api.rest.CommandView;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.api.rest.LicenseOrderRequest;
import io.upsfleet.api.rest.LicenseOrderView;
import io.upsfleet.api.rest.UserView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The pages of issue 13 (users of an account, support users, a device's lifecycle actions, command
 * cancel, bulk import, events, audit, rollouts) with a signed-in user of each role, in real
 * headless Chromium against a real gateway (child process) and a simulated UPS: what each role's
 * menu offers, which pages and buttons it gets, one real action of its own that the gateway
 * accepts, and that a page the role may not open, asked for by its URL, shows a "not allowed"
 * message on the overview (the reseller: its renewals page) and none of the page's data. One
 * browser session per role, one gateway for the class. The rules follow the gateway's access table
 * (gateway/.../http/AccessRules.java); the console may show less than the API allows, never more.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ConsoleRolesBrowserIT {
  private static final Path TARGET = Path.of("target");
  private static final String ONLINE = "RL1036000001";
  private static final String OFFLINE = "RL1036000002";
  private static final String SPARE = "RL1036000003";
  private static final String ADMIN = "roles-admin";
  private static final String OPERATOR = "roles-operator";
  private static final String VIEWER = "roles-viewer";
  private static final String RESELLER = "roles@reseller.example";
  private static final String PASSWORD = "roles-password-1";

  /** The menu of each role, in order. */
  private static final List<String> SUPPORT_MENU =
      List.of(
          "Overview",
          "Devices",
          "Events",
          "Bulk import",
          "Rollouts",
          "Licenses",
          "Notifications",
          "Accounts",
          "Audit");

  private static final List<String> ADMIN_MENU =
      List.of(
          "Overview",
          "Devices",
          "Events",
          "Bulk import",
          "Rollouts",
          "Licenses",
          "Notifications",
          "Users",
          "Audit");

  private static final List<String> OPERATOR_MENU =
      List.of("Overview", "Devices", "Events", "Rollouts", "Licenses", "Notifications");

  private static final List<String> VIEWER_MENU =
      List.of("Overview", "Devices", "Events", "Licenses", "Notifications");

  private static GatewayProcess gateway;
  private static SimulatedUps online;
  private static UpsfleetClient support;
  private static AccountView account;
  private static RunningConsole console;
  private static String consoleUrl;
  private static Browser browser;
  private static WebDriver driver;
  private static WebDriverWait wait;

  @BeforeAll
  static void startEverything() throws Exception {
    Path work = Files.createTempDirectory(Files.createDirectories(TARGET), "roles-it-");
    gateway = GatewayProcess.start(work, Duration.ofSeconds(180));
    support = new UpsfleetClient(gateway.url());
    support.signIn("support", GatewayProcess.PASSWORD);
    account = support.createAccount("Roles Corp");
    support.createUser(account.id(), ADMIN, PASSWORD, "ACCOUNT_ADMIN");
    support.createUser(account.id(), OPERATOR, PASSWORD, "ACCOUNT_OPERATOR");
    support.createUser(account.id(), VIEWER, PASSWORD, "ACCOUNT_VIEWER");
    support.createUser(account.id(), "roles-spare", PASSWORD, "ACCOUNT_OPERATOR");
    DeviceRegistration on = support.registerDevice(ONLINE, "SMT1500C", account.id());
    support.registerDevice(OFFLINE, "SMT1500C", account.id());
    support.registerDevice(SPARE, "SMT750I", account.id());
    LicenseOrderView order =
        support.createLicenseOrder(
            new LicenseOrderRequest(
                "PO-R", "SMARTCONNECT-ADVANCED-1Y", 2, null, "ONLINE", "i@example.com"));
    support.redeem(order.code(), account.id());
    support.assign(
        new AssignmentRequest(order.code(), List.of(ONLINE, OFFLINE), null, false, account.id()));
    online = new SimulatedUps(ONLINE, on.secret(), gateway.mqttPort);
    online.telemetry("OB DISCHRG", 35, 90, 3000, 0, 29); // an ON_BATTERY event for the feed

    // A reseller the account consented to (issue 12).
    UpsfleetClient admin = new UpsfleetClient(gateway.url());
    admin.signIn(ADMIN, PASSWORD);
    admin.inviteReseller(account.id(), RESELLER);

    console = RunningConsole.start(gateway.url());
    consoleUrl = console.url();
    browser = Browser.start(Files.createTempDirectory(work, "chrome-"));
    driver = browser.driver;
    wait = browser.wait;
    String code =
        wait.withMessage("the invitation mail")
            .until(d -> gateway.invitationCode(RESELLER).orElse(null));
    support.acceptResellerInvitation(code, PASSWORD);
  }

  @AfterAll
  static void stopEverything() {
    if (browser != null) browser.quit();
    if (console != null) console.close();
    if (online != null) online.close();
    if (gateway != null) gateway.close();
  }

  /** Each test is one role's session: a fresh one. */
  @BeforeEach
  void signedOut() {
    driver.get(consoleUrl + "login");
    driver.manage().deleteAllCookies();
  }

  @Test
  void supportSeesEveryPageAndEveryDeviceActionAndRotatesASecret() {
    browser.signIn(consoleUrl, "support", GatewayProcess.PASSWORD);
    assertThat(menu()).containsExactlyElementsOf(SUPPORT_MENU);

    open("accounts", By.id("support-user-grid"));
    browser.waitText(By.id("support-user-grid"), "support");
    open("audit", By.id("audit-grid"));
    browser.waitText(By.id("audit-grid"), "user.create");
    open("events", By.id("events-grid"));
    open("rollouts", By.id("rollout-start"));
    open("devices/import", By.id("import-upload"));

    open("devices/" + SPARE, By.id("device-site"));
    for (String action : List.of("site-move", "rotate-secret", "deregister", "transfer")) {
      assertThat(present(By.id(action))).as(action).isTrue();
    }
    browser.click(driver.findElement(By.id("rotate-secret")));
    browser.click(wait.until(ExpectedConditions.elementToBeClickable(By.id("admin-confirm"))));
    String secret =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-secret")))
            .getText()
            .trim();
    assertThat(secret).as("the new secret, shown once").isNotBlank();
  }

  @Test
  void anAdminManagesItsUsersAndReadsTheAuditButTransfersNothing() {
    browser.signIn(consoleUrl, ADMIN, PASSWORD);
    assertThat(menu()).containsExactlyElementsOf(ADMIN_MENU);

    open("accounts", By.id("user-grid"));
    browser.waitText(By.id("user-grid"), "roles-spare");
    assertThat(present(By.id("support-user-grid"))).as("support users").isFalse();
    browser.choose(By.id("user-role-roles-spare"), "Viewer");
    wait.withMessage("the role changed in the gateway")
        .until(d -> role("roles-spare").equals("ACCOUNT_VIEWER"));

    open("audit", By.id("audit-grid"));
    browser.waitText(By.id("audit-grid"), "user.update");
    open("events", By.id("events-grid"));
    open("rollouts", By.id("rollout-start"));
    open("devices/import", By.id("import-upload"));

    open("devices/" + SPARE, By.id("device-site"));
    for (String action : List.of("site-move", "rotate-secret", "deregister")) {
      assertThat(present(By.id(action))).as(action).isTrue();
    }
    assertThat(present(By.id("transfer"))).as("transfer is support's").isFalse();
  }

  @Test
  void anOperatorCancelsACommandButManagesNoUsersDevicesOrAudit() {
    CommandView pending = support.sendCommand(OFFLINE, new CommandRequest.SelfTest(null));
    browser.signIn(consoleUrl, OPERATOR, PASSWORD);
    assertThat(menu()).containsExactlyElementsOf(OPERATOR_MENU);

    open("events", By.id("events-grid"));
    open("rollouts", By.id("rollout-start"));
    open("notifications", By.id("site-grid"));
    for (String change : List.of("site-add", "destination-add", "policy-add")) {
      assertThat(present(By.id(change))).as(change + " is an admin's").isFalse();
    }

    open("devices/" + OFFLINE, By.id("command-grid"));
    for (String action : List.of("site-move", "rotate-secret", "deregister", "transfer")) {
      assertThat(present(By.id(action))).as(action).isFalse();
    }
    browser.clickFresh(By.id("cancel-" + pending.id()));
    browser.waitText(By.id("command-grid"), "CANCELLED");
    browser.screenshot("roles-operator-device");
    wait.withMessage("the command is cancelled in the gateway")
        .until(
            d ->
                support.commands(OFFLINE, 0, 20).items().stream()
                    .anyMatch(c -> c.id().equals(pending.id()) && c.status().equals("CANCELLED")));

    notAllowed("accounts", By.id("user-grid"));
    notAllowed("audit", By.id("audit-grid"));
    notAllowed("devices/import", By.id("import-upload"));
  }

  @Test
  void aViewerSeesTheEventsAndCommandsButCanChangeNothing() {
    CommandView pending = support.sendCommand(OFFLINE, new CommandRequest.SelfTest(null));
    browser.signIn(consoleUrl, VIEWER, PASSWORD);
    assertThat(menu()).containsExactlyElementsOf(VIEWER_MENU);

    open("events", By.id("events-grid"));
    browser.waitText(By.id("events-grid"), "ON_BATTERY");
    browser.screenshot("roles-viewer-events");

    open("devices/" + OFFLINE, By.id("command-grid"));
    browser.waitText(By.id("command-grid"), "PENDING");
    assertThat(present(By.id("cancel-" + pending.id()))).as("cancel").isFalse();
    assertThat(present(By.className("command-cancel"))).as("any cancel").isFalse();
    assertThat(driver.findElement(By.id("cmd-SELF_TEST")).getAttribute("disabled"))
        .as("commands are for operators")
        .isNotNull();
    for (String action : List.of("site-move", "rotate-secret", "deregister", "transfer")) {
      assertThat(present(By.id(action))).as(action).isFalse();
    }
    browser.scrollTo(By.id("command-grid"));
    browser.screenshot("roles-viewer-device");

    notAllowed("rollouts", By.id("rollout-start"));
    notAllowed("accounts", By.id("user-grid"));
    notAllowed("audit", By.id("audit-grid"));
    notAllowed("devices/import", By.id("import-upload"));
  }

  @Test
  void aResellerSeesOnlyTheRenewalsOfTheAccountsThatConsented() {
    browser.signIn(consoleUrl, RESELLER, PASSWORD);
    assertThat(menu()).containsExactly("Renewals");
    browser.waitText(By.id("reseller-accounts"), account.id());
    for (String page : List.of("", "events", "audit", "devices/" + ONLINE)) {
      driver.get(consoleUrl + page);
      wait.until(ExpectedConditions.urlToBe(consoleUrl + "renewals"));
      browser.waitText(By.tagName("vaadin-notification-card"), "Not allowed");
      for (String data : List.of("events-grid", "audit-grid", "device-site", "command-grid")) {
        assertThat(present(By.id(data))).as(page + " shows " + data).isFalse();
      }
    }
  }

  // --- helpers ---

  /** The labels of the navigation, in order. */
  @SuppressWarnings("unchecked")
  private static List<String> menu() {
    return (List<String>)
        ((JavascriptExecutor) driver)
            .executeScript(
                "return Array.from(document.querySelectorAll('vaadin-side-nav-item'))"
                    + ".map(e => e.textContent.trim());");
  }

  /** Opens a page by its URL and waits for an element that shows it rendered. */
  private static void open(String path, By shown) {
    driver.get(consoleUrl + path);
    wait.withMessage(
            () -> path + " rendered " + shown + "; the page is at " + driver.getCurrentUrl())
        .until(ExpectedConditions.presenceOfElementLocated(shown));
  }

  /**
   * A page the role may not open, asked for by its URL: the overview with a "not allowed" message,
   * and nothing of the page.
   */
  private static void notAllowed(String path, By data) {
    driver.get(consoleUrl + path);
    wait.withMessage(() -> path + " sent back to the overview")
        .until(ExpectedConditions.urlToBe(consoleUrl));
    browser.waitText(By.tagName("vaadin-notification-card"), "Not allowed");
    assertThat(present(data)).as(path + " shows " + data).isFalse();
  }

  private static boolean present(By by) {
    List<WebElement> found = driver.findElements(by);
    return !found.isEmpty();
  }

  private static String role(String username) {
    return support.users(account.id()).stream()
        .filter(u -> u.username().equals(username))
        .findFirst()
        .map(UserView::role)
        .orElseThrow();
  }
}
