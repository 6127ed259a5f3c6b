package io.upsfleet.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.AccountView;
import io.upsfleet.api.rest.AssignmentRequest;
import io.upsfleet.api.rest.DestinationRequest;
import io.upsfleet.api.rest.DestinationView;
import io.upsfleet.api.rest.DeviceRegistration;
import io.upsfleet.api.rest.LicenseOrderRequest;
import io.upsfleet.api.rest.LicenseOrderView;
import io.upsfleet.api.rest.PolicyRequest;
import io.upsfleet.api.rest.PolicyView;
import io.upsfleet.api.rest.SiteRequest;
import io.upsfleet.api.rest.SiteView;
import io.upsfleet.api.rest.UserView;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console pages of issue 13 in real headless Chromium against a real gateway (child process,
 * embedded PostgreSQL) and simulated UPSs over MQTT: users (role change, password reset that the
 * user must replace at sign-in), support users (the last active one cannot be disabled), a device's
 * site, secret rotation, transfer and deregistration, command cancel, the live fleet event feed
 * with its filter and CSV, and the bulk import. Each test checks the outcome through the API, not
 * only on the page. Screenshots go to target/screenshots.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ConsoleLifecycleBrowserIT {
  private static final Path TARGET = Path.of("target");
  private static final Path SHOTS = TARGET.resolve("screenshots");
  private static final String ONLINE = "LC1036000001";
  private static final String OFFLINE = "LC1036000002";

  private static GatewayProcess gateway;
  private static Path work;
  private static final List<SimulatedUps> devices = new ArrayList<>();
  private static SimulatedUps online;
  private static UpsfleetClient support;
  private static AccountView ops;
  private static AccountView other;
  private static SiteView lyon;
  private static RunningConsole console;
  private static String consoleUrl;
  private static Browser browser;
  private static WebDriver driver;
  private static WebDriverWait wait;

  @BeforeAll
  static void startEverything() throws Exception {
    Files.createDirectories(SHOTS);
    work = Files.createTempDirectory(Files.createDirectories(TARGET), "lifecycle-it-");
    gateway = GatewayProcess.start(work, Duration.ofSeconds(180));
    support = new UpsfleetClient(gateway.url());
    support.signIn("support", GatewayProcess.PASSWORD);
    ops = support.createAccount("Ops Corp");
    other = support.createAccount("Other Corp");
    support.createUser(ops.id(), "admin-ops", "admin-password-123", "ACCOUNT_ADMIN");
    support.createUser(ops.id(), "operator-ops", "operator-password-1", "ACCOUNT_OPERATOR");
    lyon = support.createSite(ops.id(), new SiteRequest("Lyon-2", null, null));
    DeviceRegistration on = support.registerDevice(ONLINE, "SMT1500C", ops.id());
    support.registerDevice(OFFLINE, "SMT1500C", ops.id());
    LicenseOrderView order =
        support.createLicenseOrder(
            new LicenseOrderRequest(
                "PO-L", "SMARTCONNECT-ADVANCED-1Y", 2, null, "ONLINE", "i@example.com"));
    support.redeem(order.code(), ops.id());
    support.assign(
        new AssignmentRequest(order.code(), List.of(ONLINE, OFFLINE), null, false, ops.id()));
    support.setSite(ONLINE, lyon.id());
    online = new SimulatedUps(ONLINE, on.secret(), gateway.mqttPort);
    devices.add(online);
    online.telemetry("OL CHRG", 30, 100, 5000, 230, 28);

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
    driver.manage().window().setSize(new Dimension(1280, 900));
    driver.get(consoleUrl + "login");
    driver.manage().deleteAllCookies();
  }

  @Test
  void anAdminChangesARoleAndResetsAPasswordThatTheUserMustReplaceAtSignIn() {
    // A user of its own: the other tests sign in as operator-ops with its first password.
    support.createUser(ops.id(), "people-op", "people-password-1", "ACCOUNT_OPERATOR");
    signIn("admin-ops", "admin-password-123");
    driver.get(consoleUrl + "accounts");
    waitText(By.id("user-grid"), "people-op");
    choose(By.id("user-role-people-op"), "Viewer");
    wait.withMessage("the role changed in the gateway")
        .until(d -> role("people-op").equals("ACCOUNT_VIEWER"));

    clickFresh(By.id("user-reset-people-op")); // the grid reloads after the role change
    type(By.cssSelector("#reset-password input"), "temporary-pass-42");
    click(driver.findElement(By.id("reset-confirm")));
    waitText(By.id("user-grid"), "must set a new password");
    screenshot("users-roles");

    driver.manage().deleteAllCookies();
    driver.get(consoleUrl + "login");
    type(By.cssSelector("#username input"), "people-op");
    type(By.cssSelector("#password input"), "temporary-pass-42");
    click(driver.findElement(By.id("sign-in")));
    waitText(By.id("must-change-password"), "Choose a new one");
    type(By.cssSelector("#new-password input"), "chosen-by-me-123");
    type(By.cssSelector("#new-password-again input"), "chosen-by-me-123");
    screenshot("password-change");
    click(driver.findElement(By.id("set-password")));
    waitText(By.id("current-user"), "people-op · Viewer");

    UpsfleetClient again = new UpsfleetClient(gateway.url());
    assertThat(again.signIn("people-op", "chosen-by-me-123").mustChangePassword()).isFalse();
    assertThatThrownBy(
            () -> new UpsfleetClient(gateway.url()).signIn("people-op", "temporary-pass-42"))
        .isInstanceOf(UpsfleetClient.ApiError.class);
  }

  @Test
  void supportAddsASupportUserAndCannotDisableTheLastActiveOne() {
    signIn("support", GatewayProcess.PASSWORD);
    driver.get(consoleUrl + "accounts");
    type(By.cssSelector("#support-user-name input"), "support-two");
    type(By.cssSelector("#support-user-password input"), "support-two-password");
    click(driver.findElement(By.id("support-user-create")));
    waitText(By.id("support-user-grid"), "support-two");
    click(
        wait.until(
            ExpectedConditions.presenceOfElementLocated(By.id("support-toggle-support-two"))));
    waitText(By.id("support-toggle-support-two"), "Enable");
    // Only "support" is active now: the gateway refuses, the console shows its reason.
    click(driver.findElement(By.id("support-toggle-support")));
    waitText(
        By.tagName("vaadin-notification-card"), "the last active support user cannot be disabled");
    screenshot("support-users");
    assertThat(support.supportUsers())
        .filteredOn(u -> u.username().equals("support"))
        .singleElement()
        .extracting(UserView::disabled)
        .isEqualTo(false);
    click(driver.findElement(By.id("support-toggle-support-two")));
    waitText(By.id("support-toggle-support-two"), "Disable");
  }

  @Test
  void anAdminMovesADeviceToASiteRotatesItsSecretAndDeregistersAnother() throws Exception {
    DeviceRegistration spare = support.registerDevice("LC1036000009", "SMT750I", ops.id());
    assertThat(spare.secret()).isNotBlank();
    signIn("admin-ops", "admin-password-123");
    driver.get(consoleUrl + "devices/LC1036000009");
    waitText(By.id("device-site"), "Site: none");
    choose(By.id("site-select"), "Lyon-2");
    click(driver.findElement(By.id("site-move")));
    waitText(By.id("device-site"), "Site: Lyon-2");
    wait.withMessage("the device is in the site for the gateway")
        .until(d -> lyon.id().equals(siteIdOf("LC1036000009")));

    click(driver.findElement(By.id("rotate-secret")));
    click(wait.until(ExpectedConditions.elementToBeClickable(By.id("admin-confirm"))));
    WebElement secret =
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("new-secret")));
    String newSecret = secret.getText().trim();
    assertThat(newSecret).isNotBlank().isNotEqualTo(spare.secret());
    screenshot("device-secret");
    click(driver.findElement(By.id("secret-close")));
    try (SimulatedUps withNew = new SimulatedUps("LC1036000009", newSecret, gateway.mqttPort)) {
      withNew.telemetry("OL", 10, 100, 6000, 230, 25); // the new secret is accepted
    }
    screenshot("device-admin");

    click(driver.findElement(By.id("deregister")));
    waitText(By.id("admin-confirm-text"), "credentials stop working at once");
    click(wait.until(ExpectedConditions.elementToBeClickable(By.id("admin-confirm"))));
    wait.until(ExpectedConditions.urlToBe(consoleUrl + "devices"));
    assertThatThrownBy(() -> support.device("LC1036000009"))
        .isInstanceOfSatisfying(
            UpsfleetClient.ApiError.class, e -> assertThat(e.status()).isEqualTo(404));
  }

  @Test
  void supportTransfersADeviceToAnotherAccount() {
    support.registerDevice("LC1036000008", "SMT750I", ops.id());
    signIn("support", GatewayProcess.PASSWORD);
    driver.get(consoleUrl + "devices/LC1036000008");
    waitText(By.id("device-site"), "Site:");
    choose(By.id("transfer-account"), "Other Corp");
    click(driver.findElement(By.id("transfer")));
    waitText(By.id("admin-confirm-text"), "plan and warranty");
    click(wait.until(ExpectedConditions.elementToBeClickable(By.id("admin-confirm"))));
    waitText(By.tagName("vaadin-notification-card"), "transferred to Other Corp");
    assertThat(support.device("LC1036000008").accountId()).isEqualTo(other.id());
  }

  @Test
  void anOperatorCancelsACommandWaitingForAnOfflineDevice() {
    signIn("operator-ops", "operator-password-1");
    driver.get(consoleUrl + "devices/" + OFFLINE);
    WebElement selfTest =
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("cmd-SELF_TEST")));
    wait.until(d -> selfTest.getAttribute("disabled") == null);
    click(selfTest);
    click(wait.until(ExpectedConditions.elementToBeClickable(By.id("confirm-command"))));
    waitText(By.id("command-grid"), "PENDING");
    clickFresh(By.className("command-cancel")); // the live list re-renders its rows
    waitText(By.id("command-grid"), "CANCELLED");
    screenshot("command-cancelled");
    assertThat(support.commands(OFFLINE, 0, 10).items())
        .extracting(c -> c.status())
        .contains("CANCELLED");
  }

  @Test
  void theEventFeedShowsNewEventsLiveFiltersByTypeAndDownloadsCsv() throws Exception {
    signIn("admin-ops", "admin-password-123");
    driver.get(consoleUrl + "events");
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("events-grid")));
    ((JavascriptExecutor) driver).executeScript("window.__samePage = true;");
    online.telemetry("OB DISCHRG", 35, 90, 3000, 0, 29);
    waitText(By.id("events-grid"), "ON_BATTERY");
    online.telemetry("OL CHRG", 30, 92, 3200, 230, 29);
    waitText(By.id("events-grid"), "POWER_RESTORED");
    assertThat(((JavascriptExecutor) driver).executeScript("return window.__samePage === true;"))
        .as("the events arrived by push, without a reload")
        .isEqualTo(true);
    screenshot("events");

    choose(By.id("events-site"), "Lyon-2");
    wait.withMessage("only the site's device")
        .until(
            d -> {
              String t = d.findElement(By.id("events-grid")).getText();
              return t.contains(ONLINE) && !t.contains(OFFLINE);
            });
    selectCombo(By.id("events-type"), "POWER_RESTORED");
    wait.withMessage("only POWER_RESTORED rows")
        .until(
            d -> {
              String t = d.findElement(By.id("events-grid")).getText();
              return t.contains("POWER_RESTORED") && !t.contains("ON_BATTERY");
            });
    String csv = fetchText(By.id("events-csv"));
    assertThat(csv).startsWith("occurredAt,").contains(ONLINE).contains("POWER_RESTORED");
    assertThat(csv).doesNotContain("ON_BATTERY");
  }

  @Test
  void anAdminImportsDevicesFromCsvSeesEachRowsProblemAndDownloadsTheSecretsOnce()
      throws Exception {
    support.registerDevice("LC2000000003", "SMT750I", other.id()); // taken: the gateway refuses
    Path file = work.resolve("devices.csv");
    Files.writeString(
        file,
        "serial,model,site\n"
            + "LC2000000001,SMT1500C,Lyon-2\n"
            + "lc2000000002,SMT750I,\n"
            + "bad serial,SMT750I,\n"
            + "LC2000000004,SMT750I,Paris-9\n"
            + "LC2000000001,SMT750I,\n"
            + "LC2000000003,SMT750I,\n",
        StandardCharsets.UTF_8);
    signIn("admin-ops", "admin-password-123");
    driver.get(consoleUrl + "devices/import");
    WebElement upload =
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("import-upload")));
    upload
        .getShadowRoot()
        .findElement(By.cssSelector("input[type=file]"))
        .sendKeys(file.toAbsolutePath().toString());
    waitText(By.id("import-summary"), "6 rows: 3 can be registered, 3 have a problem.");
    waitText(By.id("import-grid"), "Serial must be 8 to 20 capital letters or digits");
    waitText(By.id("import-grid"), "No site named Paris-9");
    waitText(By.id("import-grid"), "Serial appears twice in the file");
    screenshot("bulk-import-preview");
    click(driver.findElement(By.id("import-register")));
    waitText(By.id("import-summary"), "2 registered, 1 refused by the gateway, 3 not sent");
    waitText(By.id("import-grid"), "Refused:");
    screenshot("bulk-import-done");

    String secretsHref = driver.findElement(By.id("import-secrets")).getAttribute("href");
    String secrets = fetchText(By.id("import-secrets"));
    assertThat(secrets).startsWith("serial,model,secret").contains("LC2000000001,SMT1500C,");
    assertThat(secrets).contains("LC2000000002,SMT750I,");
    String secret1 =
        secrets
            .lines()
            .filter(l -> l.startsWith("LC2000000001"))
            .findFirst()
            .orElseThrow()
            .split(",")[2];
    try (SimulatedUps imported = new SimulatedUps("LC2000000001", secret1, gateway.mqttPort)) {
      imported.telemetry("OL", 10, 100, 6000, 230, 25);
    }
    wait.withMessage("the imported device is in its site")
        .until(d -> lyon.id().equals(siteIdOf("LC2000000001")));
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("import-secrets")));
    assertThat(fetchStatus(secretsHref)).as("the secrets are given once").isNotEqualTo(200);
  }

  @Test
  void anAdminLimitsAPolicyToASiteAndADeviceAndDeletesAPolicyAndADestination() {
    DestinationView mail =
        support.createDestination(
            ops.id(), new DestinationRequest("EMAIL", "ops-mail", null, "ops@example.com"));
    DestinationView spare =
        support.createDestination(
            ops.id(), new DestinationRequest("EMAIL", "spare-mail", null, "spare@example.com"));
    support.createPolicy(
        ops.id(),
        new PolicyRequest("old policy", "WARNING", null, null, null, List.of(mail.id()), false));
    signIn("admin-ops", "admin-password-123");
    driver.get(consoleUrl + "notifications");
    waitText(By.id("policy-grid"), "old policy");
    type(By.cssSelector("#policy-name input"), "lyon only");
    pickMulti(By.id("policy-sites"), "Lyon-2");
    pickMulti(By.id("policy-devices"), OFFLINE);
    pickMulti(By.id("policy-destinations"), "ops-mail");
    click(driver.findElement(By.id("policy-add")));
    waitText(By.id("policy-grid"), "Sites: Lyon-2 · Devices: " + OFFLINE);
    PolicyView made =
        support.policies(ops.id()).stream()
            .filter(p -> p.name().equals("lyon only"))
            .findFirst()
            .orElseThrow();
    assertThat(made.siteIds()).containsExactly(lyon.id());
    assertThat(made.serials()).containsExactly(OFFLINE);
    assertThat(made.destinationIds()).containsExactly(mail.id());
    screenshot("notification-policies");

    // Change it (PUT): no longer limited to the device.
    clickFresh(By.id("edit-policy-lyon only"));
    wait.until(d -> d.findElement(By.id("policy-add")).getText().contains("Save lyon only"));
    ((JavascriptExecutor) driver)
        .executeScript(
            "arguments[0].shadowRoot.querySelector(\"[part~='clear-button']\").click();",
            driver.findElement(By.id("policy-devices")));
    type(By.cssSelector("#policy-name input"), "lyon site");
    click(driver.findElement(By.id("policy-add")));
    waitText(By.tagName("vaadin-notification-card"), "Policy lyon site saved.");
    wait.withMessage("the policy changed in the gateway")
        .until(
            d ->
                support.policies(ops.id()).stream()
                    .anyMatch(
                        p ->
                            p.id().equals(made.id())
                                && p.name().equals("lyon site")
                                && p.serials().isEmpty()
                                && p.siteIds().equals(List.of(lyon.id()))));

    confirmDeletion(By.id("delete-policy-old policy"), "Policy old policy deleted.");
    wait.withMessage("the policy is gone in the gateway")
        .until(
            d -> support.policies(ops.id()).stream().noneMatch(p -> p.name().equals("old policy")));
    confirmDeletion(By.id("delete-destination-spare-mail"), "Destination spare-mail deleted.");
    assertThat(support.destinations(ops.id()))
        .extracting(DestinationView::id)
        .doesNotContain(spare.id())
        .contains(mail.id());
    wait.withMessage("spare-mail leaves the list")
        .until(d -> !d.findElement(By.id("destination-grid")).getText().contains("spare-mail"));
  }

  /**
   * Issue 12's reseller in the console: the admin invites, the reseller accepts on the invitation
   * page with the e-mailed code, signs in and sees only its renewals page with the account's
   * MyRenewals; the admin revokes and the reseller sees nothing more.
   */
  @Test
  void anAdminInvitesAResellerWhoSeesTheRenewalsUntilTheConsentIsRevoked() throws Exception {
    signIn("admin-ops", "admin-password-123");
    driver.get(consoleUrl + "accounts");
    waitText(By.id("reseller-status"), "No preferred reseller named.");
    type(By.cssSelector("#reseller-email input"), "renew@reseller.example");
    click(driver.findElement(By.id("reseller-invite")));
    waitText(By.id("reseller-status"), "Invited: renew@reseller.example");
    String code = invitationCode("renew@reseller.example");

    driver.manage().deleteAllCookies();
    driver.get(consoleUrl + "reseller-accept?code=" + code);
    type(By.cssSelector("#accept-password input"), "reseller-password-1");
    type(By.cssSelector("#accept-password-again input"), "reseller-password-1");
    click(driver.findElement(By.id("accept-invitation")));
    waitText(By.id("accept-outcome"), "Accepted. Sign in as renew@reseller.example");

    signIn("renew@reseller.example", "reseller-password-1");
    waitText(By.id("reseller-accounts"), ops.id());
    assertThat(driver.getCurrentUrl()).endsWith("/renewals");
    driver.get(consoleUrl + "devices"); // not a reseller's page: back to its renewals
    wait.until(ExpectedConditions.urlToBe(consoleUrl + "renewals"));
    waitText(By.id("reseller-accounts"), ops.id());
    screenshot("reseller-renewals");
    String renewals = fetchText(By.id("renewals-" + ops.id() + "-csv"));
    assertThat(renewals).contains(ONLINE).contains(OFFLINE);

    driver.manage().deleteAllCookies();
    signIn("admin-ops", "admin-password-123");
    driver.get(consoleUrl + "accounts");
    waitText(By.id("reseller-status"), "Accepted by renew@reseller.example");
    click(driver.findElement(By.id("reseller-revoke")));
    waitText(By.id("reseller-status"), "Revoked by admin-ops");
    screenshot("reseller-account");

    driver.manage().deleteAllCookies();
    signIn("renew@reseller.example", "reseller-password-1");
    waitText(By.id("reseller-empty"), "No account shares its renewal data with you now.");
  }

  @Test
  void anOperatorStartsAFirmwareRolloutWatchesItAndPausesResumesAndAbortsIt() {
    signIn("operator-ops", "operator-password-1");
    driver.get(consoleUrl + "rollouts");
    pickMulti(By.id("rollout-devices"), ONLINE);
    click(driver.findElement(By.id("rollout-start")));
    waitText(By.tagName("vaadin-notification-card"), "Rollout started for 1 devices.");
    waitText(By.id("rollout-grid"), ONLINE + ":");
    waitText(By.id("rollout-grid"), "RUNNING");
    clickFresh(By.id("rollout-pause"));
    waitText(By.id("rollout-grid"), "PAUSED");
    screenshot("rollouts");
    clickFresh(By.id("rollout-resume"));
    waitText(By.id("rollout-grid"), "RUNNING");
    clickFresh(By.id("rollout-abort"));
    waitText(By.id("rollout-grid"), "ABORTED");
  }

  // --- helpers ---

  /** The code of the invitation mail to {@code email} in the gateway's mail sink. */
  private static String invitationCode(String email) {
    return wait.withMessage("the invitation mail to " + email)
        .until(d -> gateway.invitationCode(email).orElse(null));
  }

  /**
   * Clicks a delete button, confirms in the dialog it opens and waits for the success message (the
   * page reloads its lists after each deletion, so the button is found again when it went stale).
   */
  private static void confirmDeletion(By button, String success) {
    wait.until(ExpectedConditions.numberOfElementsToBe(By.tagName("vaadin-dialog-overlay"), 0));
    clickFresh(button);
    clickFresh(By.cssSelector("vaadin-dialog-overlay[opened] #delete-confirm"));
    waitText(By.tagName("vaadin-notification-card"), success);
  }

  /** Ticks one item of a vaadin-multi-select-combo-box, then closes its overlay. */
  private static void pickMulti(By box, String label) {
    WebElement input =
        wait.until(ExpectedConditions.presenceOfElementLocated(box))
            .findElement(By.tagName("input"));
    click(input);
    input.sendKeys(label);
    By item = By.xpath("//vaadin-multi-select-combo-box-item[normalize-space(.)='" + label + "']");
    click(wait.until(ExpectedConditions.presenceOfElementLocated(item)));
    input.sendKeys(Keys.ESCAPE);
  }

  private static String role(String username) {
    return support.users(ops.id()).stream()
        .filter(u -> u.username().equals(username))
        .findFirst()
        .orElseThrow()
        .role();
  }

  private static String siteIdOf(String serial) {
    SiteView s = support.siteOf(serial, ops.id());
    return s == null ? null : s.id();
  }

  /** The text a link's download answers, fetched inside the browser (the session's cookie). */
  private static String fetchText(By link) {
    String href =
        wait.until(ExpectedConditions.presenceOfElementLocated(link)).getAttribute("href");
    Object text =
        ((JavascriptExecutor) driver)
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "fetch(arguments[0]).then(r => r.text()).then(done, e => done('ERROR ' + e));",
                href);
    return String.valueOf(text);
  }

  private static int fetchStatus(String href) {
    Object status =
        ((JavascriptExecutor) driver)
            .executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                    + "fetch(arguments[0]).then(r => done(r.status), e => done(-1));",
                href);
    return ((Number) status).intValue();
  }

  private static void choose(By select, String label) {
    browser.choose(select, label);
  }

  private static void selectCombo(By combo, String value) {
    WebElement input =
        wait.until(ExpectedConditions.presenceOfElementLocated(combo))
            .findElement(By.tagName("input"));
    input.clear();
    input.sendKeys(value);
    By item = By.xpath("//vaadin-combo-box-item[normalize-space(.)='" + value + "']");
    click(wait.until(ExpectedConditions.presenceOfElementLocated(item)));
  }

  private static void signIn(String user, String password) {
    browser.signIn(consoleUrl, user, password);
  }

  private static void click(WebElement e) {
    browser.click(e);
  }

  /** Clicks an element that the page may replace at any moment (found again when it goes stale). */
  private static void clickFresh(By by) {
    browser.clickFresh(by);
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
