package io.upsfleet.gateway.licensing;

import static io.upsfleet.gateway.licensing.LicensingHttp.ADVANCED_1Y;
import static io.upsfleet.gateway.licensing.LicensingHttp.STANDARD_1Y;
import static io.upsfleet.gateway.licensing.LicensingHttp.STANDARD_3Y;
import static io.upsfleet.gateway.licensing.LicensingHttp.assignment;
import static io.upsfleet.gateway.licensing.LicensingHttp.line;
import static io.upsfleet.gateway.licensing.LicensingHttp.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.AssignmentResult;
import io.upsfleet.api.rest.DevicePlanView;
import io.upsfleet.api.rest.EntitlementView;
import io.upsfleet.api.rest.LicenseOrderRequest;
import io.upsfleet.api.rest.LicenseOrderView;
import io.upsfleet.api.rest.Problem;
import io.upsfleet.cluster.licensing.ActivationCodes;
import io.upsfleet.gateway.licensing.LicensingHttp.Reply;
import io.upsfleet.gateway.testing.GatewayFixture;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The licensing API end to end against a real node, PostgreSQL and an SMTP server (GreenMail):
 * orders and their e-mailed codes, redemption, stacking and upgrades on devices' plans, previews,
 * entitlement counts, idempotency, throttling of guessed codes, and the refusals (403, 404, 409,
 * 400) with nothing changed.
 */
class LicensingApiIT {
  private static final String INSTALLER = "installer@example.com";
  private static final String PASSWORD = "a-long-password-123";
  private static final Pattern CODE = Pattern.compile("\\b[0-9A-Z]{5}(?:-[0-9A-Z]{5}){4}\\b");
  private static final Duration PROJECTION = Duration.ofSeconds(20);

  private static GreenMail mail;
  private static GatewayFixture gw;
  private static UpsfleetClient support;
  private static LicensingHttp api;

  @BeforeAll
  static void start() throws IOException {
    int smtpPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      smtpPort = s.getLocalPort();
    }
    mail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", "smtp"));
    mail.start();
    gw =
        GatewayFixture.start(
            "LicensingApiIT",
            Map.<String, Object>of(
                "upsfleet.mail.smtp.host", "127.0.0.1", "upsfleet.mail.smtp.port", smtpPort));
    support = gw.support();
    api = new LicensingHttp(gw.httpBase());
  }

  @AfterAll
  static void stop() {
    if (gw != null) gw.close();
    if (mail != null) mail.stop();
  }

  // ------------------------------------------------------------------------------------------
  // helpers

  /**
   * An account with an admin and a viewer, signed in ({@code admin}, {@code viewer} are their
   * tokens).
   */
  private record Tenant(String accountId, String adminName, String admin, String viewer) {}

  private static String unique() {
    return GatewayFixture.uniqueSerial().toLowerCase();
  }

  private static Tenant tenant(String name) {
    String id = support.createAccount(name + " " + unique()).id();
    String admin = "admin-" + unique();
    String viewer = "viewer-" + unique();
    support.createUser(id, admin, PASSWORD, "ACCOUNT_ADMIN");
    support.createUser(id, viewer, PASSWORD, "ACCOUNT_VIEWER");
    return new Tenant(
        id,
        admin,
        LicensingHttp.token(gw, admin, PASSWORD),
        LicensingHttp.token(gw, viewer, PASSWORD));
  }

  private static String userToken(String accountId, String role) {
    String name = role.toLowerCase().replace('_', '-') + "-" + unique();
    support.createUser(accountId, name, PASSWORD, role);
    return LicensingHttp.token(gw, name, PASSWORD);
  }

  private static String device(String accountId) {
    String serial = GatewayFixture.uniqueSerial();
    support.registerDevice(serial, "SMT1500C", accountId);
    return serial;
  }

  /** Registration + 6 months, UTC calendar. */
  private static Instant trialEnd(String serial) {
    return support.device(serial).registeredAt().atOffset(ZoneOffset.UTC).plusMonths(6).toInstant();
  }

  private static Instant plusYears(Instant i, int years) {
    return i.atOffset(ZoneOffset.UTC).plusYears(years).toInstant();
  }

  private static String po() {
    return "PO-" + unique().toUpperCase();
  }

  private static Map<String, Integer> lines(Object... skuAndQuantity) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < skuAndQuantity.length; i += 2)
      m.put((String) skuAndQuantity[i], (Integer) skuAndQuantity[i + 1]);
    return m;
  }

  /** An order created by support and redeemed by {@code t}'s admin. */
  private static LicenseOrderView redeemedOrder(Tenant t, Object... skuAndQuantity) {
    LicenseOrderView o = api.createOrder(support.token(), po(), INSTALLER, lines(skuAndQuantity));
    api.redeem(t.admin(), o.code(), null).expect(200);
    return o;
  }

  private static LicenseOrderView orderNow(LicenseOrderView o) {
    return api.order(support.token(), o.id());
  }

  /** The e-mails whose subject names exactly this PO. */
  private static List<MimeMessage> mailsFor(String po) throws Exception {
    List<MimeMessage> out = new ArrayList<>();
    for (MimeMessage m : mail.getReceivedMessages()) {
      if (m.getSubject() != null && m.getSubject().endsWith("PO " + po)) out.add(m);
    }
    return out;
  }

  private static String codeIn(MimeMessage m) throws Exception {
    Matcher matcher = CODE.matcher((String) m.getContent());
    assertTrue(matcher.find(), "no activation code in the e-mail body");
    return matcher.group();
  }

  private static void assertCounts(
      EntitlementView e, int quantity, int used, int pending, int available) {
    assertNotNull(e);
    assertEquals(
        List.of(quantity, used, pending, available),
        List.of(e.quantity(), e.used(), e.pending(), e.available()),
        () -> "quantity, used, pending, available of " + e);
  }

  private static void awaitEntitlement(
      String token, String accountId, String sku, int quantity, int used, int available) {
    await()
        .atMost(PROJECTION)
        .untilAsserted(
            () ->
                assertCounts(api.entitlement(token, accountId, sku), quantity, used, 0, available));
  }

  private static void awaitOrderCounts(LicenseOrderView o, String sku, int used, int available) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              EntitlementView l = line(orderNow(o), sku);
              assertEquals(
                  List.of(used, 0, available),
                  List.of(l.used(), l.pending(), l.available()),
                  l::toString);
            });
  }

  /** The outcomes of the audit records of {@code actor} doing {@code action}, oldest first. */
  private static List<String> audit(String actor, String action) throws Exception {
    return gw.node()
        .cluster()
        .jdbc()
        .run(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "SELECT outcome FROM audit_log WHERE actor = ? AND action = ? ORDER BY id")) {
                ps.setString(1, actor);
                ps.setString(2, action);
                List<String> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                  while (rs.next()) out.add(rs.getString(1));
                }
                return out;
              }
            })
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private static List<String> fields(Reply r) {
    Problem p = r.problem();
    assertNotNull(p.errors(), () -> "no field errors in " + r.body());
    return p.errors().stream().map(Problem.FieldError::field).toList();
  }

  // --------------------------------------------------------------------------------------------
  // tests

  @Test
  void orderedCodeIsMailedRedeemedStackedAndAnAdvancedCodeUpgradesAnotherDevice() throws Exception {
    Tenant t = tenant("Acceptance");
    String po = po();
    LicenseOrderView order =
        api.createOrder(support.token(), po, INSTALLER, lines(STANDARD_1Y, 2, STANDARD_3Y, 1));
    assertNotNull(order.code());
    assertNull(order.accountId());
    assertCounts(line(order, STANDARD_1Y), 2, 0, 0, 2);
    assertCounts(line(order, STANDARD_3Y), 1, 0, 0, 1);

    // The code reaches the installer by e-mail.
    List<MimeMessage> mails =
        await().atMost(PROJECTION).until(() -> mailsFor(po), m -> m.size() == 1);
    assertEquals(INSTALLER, ((InternetAddress) mails.get(0).getAllRecipients()[0]).getAddress());
    String mailed = codeIn(mails.get(0));
    assertEquals(order.code(), mailed);

    // The account admin types it in.
    LicenseOrderView redeemed =
        api.redeem(t.admin(), mailed, null).expect(200).as(LicenseOrderView.class);
    assertEquals(t.accountId(), redeemed.accountId());
    assertNotNull(redeemed.redeemedAt());
    assertNull(redeemed.code(), "only support sees the full code");

    // 1Y + 3Y stacked on a fresh device: they follow the trial and each other.
    String serial = device(t.accountId());
    Instant trialEnd = trialEnd(serial);
    AssignmentResult assigned =
        result(
            api.assign(
                t.admin(),
                assignment(mailed, List.of(serial), List.of(STANDARD_1Y, STANDARD_3Y), false),
                null));
    assertFalse(assigned.preview());
    assertEquals(1, assigned.devices().size());
    AssignmentResult.DeviceResult d = assigned.devices().get(0);
    assertEquals(serial, d.serial());
    assertEquals(2, d.assignmentIds().size());

    DevicePlanView plan = api.plan(t.admin(), serial);
    assertEquals(plusYears(trialEnd, 4), plan.coveredUntil());
    assertEquals(d.plan().coveredUntil(), plan.coveredUntil());
    assertEquals(d.plan().terms(), plan.terms());
    assertThat(plan.terms())
        .extracting(DevicePlanView.Term::source)
        .containsExactly("TRIAL", "LICENSE", "LICENSE");
    assertThat(plan.terms()).extracting(DevicePlanView.Term::plan).containsOnly("STANDARD");
    assertThat(plan.terms())
        .extracting(DevicePlanView.Term::sku)
        .containsExactly(null, STANDARD_1Y, STANDARD_3Y);
    assertThat(plan.terms().subList(1, 3))
        .extracting(DevicePlanView.Term::assignmentId)
        .containsExactlyElementsOf(d.assignmentIds());
    assertEquals(trialEnd, plan.terms().get(0).end());
    assertEquals(trialEnd, plan.terms().get(1).start());
    assertEquals(plusYears(trialEnd, 1), plan.terms().get(1).end());
    assertEquals(plan.terms().get(1).end(), plan.terms().get(2).start());
    assertEquals(plusYears(plan.terms().get(2).start(), 3), plan.terms().get(2).end());
    assertEquals("STANDARD", plan.current().plan());
    assertEquals("TRIAL", plan.current().source());

    // The account's entitlements count what was used and what is left.
    awaitEntitlement(t.admin(), t.accountId(), STANDARD_1Y, 2, 1, 1);
    awaitEntitlement(t.admin(), t.accountId(), STANDARD_3Y, 1, 1, 0);

    // Upgrade another device with an Advanced code (support redeems it for the account): Advanced
    // starts
    // now; the rest of the trial is paused and resumes after it.
    String advPo = po();
    LicenseOrderView adv =
        api.createOrder(support.token(), advPo, INSTALLER, lines(ADVANCED_1Y, 1));
    api.redeem(support.token(), adv.code(), t.accountId()).expect(200);
    String second = device(t.accountId());
    Instant secondTrialEnd = trialEnd(second);
    Instant before = Instant.now();
    AssignmentResult upgraded =
        result(api.assign(t.admin(), assignment(adv.code(), List.of(second), null, false), null));
    Instant after = Instant.now();
    DevicePlanView p2 = api.plan(t.admin(), second);
    assertEquals(upgraded.devices().get(0).plan().terms(), p2.terms());
    assertEquals("ADVANCED", p2.current().plan());
    assertEquals("LICENSE", p2.current().source());
    assertThat(p2.terms())
        .extracting(DevicePlanView.Term::plan)
        .containsExactly("STANDARD", "ADVANCED", "STANDARD");
    assertThat(p2.terms())
        .extracting(DevicePlanView.Term::source)
        .containsExactly("TRIAL", "LICENSE", "TRIAL");
    DevicePlanView.Term advanced = p2.terms().get(1);
    assertThat(advanced.start()).isBetween(before.minusSeconds(2), after.plusSeconds(2));
    assertEquals(
        advanced.start(), p2.terms().get(0).end(), "the trial pauses when Advanced starts");
    assertEquals(plusYears(advanced.start(), 1), advanced.end());
    DevicePlanView.Term resumed = p2.terms().get(2);
    assertEquals(advanced.end(), resumed.start(), "the trial resumes when Advanced ends");
    assertEquals(
        Duration.between(advanced.start(), secondTrialEnd),
        Duration.between(resumed.start(), resumed.end()),
        "no trial time is lost");
    assertEquals(resumed.end(), p2.coveredUntil());
    awaitEntitlement(t.admin(), t.accountId(), ADVANCED_1Y, 1, 1, 0);

    // Resend queues the same code again.
    api.send(
            "POST",
            "/api/v1/license-orders/" + order.id() + "/resend",
            support.token(),
            null,
            Map.of())
        .expect(202);
    List<MimeMessage> both =
        await().atMost(PROJECTION).until(() -> mailsFor(po), m -> m.size() == 2);
    assertEquals(order.code(), codeIn(both.get(1)));
    assertEquals(INSTALLER, ((InternetAddress) both.get(1).getAllRecipients()[0]).getAddress());
  }

  @Test
  void previewComputesThePlanButChangesNothingAndAViewerMayPreviewButNotAssign() {
    Tenant t = tenant("Preview");
    LicenseOrderView o = redeemedOrder(t, STANDARD_1Y, 1);
    String serial = device(t.accountId());
    Instant trialEnd = trialEnd(serial);
    DevicePlanView before = api.plan(t.admin(), serial);
    awaitEntitlement(t.admin(), t.accountId(), STANDARD_1Y, 1, 0, 1);

    for (String token : List.of(t.admin(), t.viewer())) {
      AssignmentResult preview =
          result(api.assign(token, assignment(o.code(), List.of(serial), null, true), null));
      assertTrue(preview.preview());
      assertThat(preview.devices().get(0).assignmentIds()).isEmpty();
      assertEquals(plusYears(trialEnd, 1), preview.devices().get(0).plan().coveredUntil());
      assertThat(preview.devices().get(0).plan().terms()).hasSize(2);
    }
    assertEquals(before, api.plan(t.admin(), serial));
    assertCounts(line(orderNow(o), STANDARD_1Y), 1, 0, 0, 1);
    assertCounts(api.entitlement(t.admin(), t.accountId(), STANDARD_1Y), 1, 0, 0, 1);

    Reply forbidden =
        api.assign(t.viewer(), assignment(o.code(), List.of(serial), null, false), null);
    assertEquals(403, forbidden.status(), forbidden.body());
    assertEquals(before, api.plan(t.admin(), serial));
    assertCounts(line(orderNow(o), STANDARD_1Y), 1, 0, 0, 1);

    // The real assignment gives what the preview promised.
    AssignmentResult real =
        result(api.assign(t.admin(), assignment(o.code(), List.of(serial), null, false), null));
    assertEquals(plusYears(trialEnd, 1), real.devices().get(0).plan().coveredUntil());
    awaitEntitlement(t.admin(), t.accountId(), STANDARD_1Y, 1, 1, 0);
  }

  @Test
  void aRedeemedCodeCannotBeRedeemedAgainAndIsNotFoundForAnotherAccount() throws Exception {
    Tenant owner = tenant("Owner");
    Tenant other = tenant("Other");
    LicenseOrderView o = redeemedOrder(owner, STANDARD_1Y, 2);

    Reply again = api.redeem(owner.admin(), o.code(), null);
    assertEquals(409, again.status(), again.body());
    assertThat(again.problem().detail()).contains("already redeemed").contains("your account");
    Reply stolen = api.redeem(other.admin(), o.code(), null);
    assertEquals(409, stolen.status(), stolen.body());
    assertThat(stolen.problem().detail()).contains("already redeemed").contains("another account");
    assertEquals(409, api.redeem(support.token(), o.code(), other.accountId()).status());
    LicenseOrderView now = orderNow(o);
    assertEquals(owner.accountId(), now.accountId());
    assertCounts(line(now, STANDARD_1Y), 2, 0, 0, 2);

    String otherDevice = device(other.accountId());
    Reply assign =
        api.assign(other.admin(), assignment(o.code(), List.of(otherDevice), null, false), null);
    assertEquals(404, assign.status(), assign.body());
    Reply preview =
        api.assign(other.admin(), assignment(o.code(), List.of(otherDevice), null, true), null);
    assertEquals(404, preview.status(), preview.body());
    assertEquals(404, api.get("/api/v1/license-orders/" + o.id(), other.admin()).status());
    assertThat(api.plan(other.admin(), otherDevice).terms()).hasSize(1);
    assertThat(api.entitlements(other.admin(), other.accountId())).isEmpty();
    assertCounts(line(orderNow(o), STANDARD_1Y), 2, 0, 0, 2);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                // Every call that may change something is audited once, previews too.
                assertThat(audit(other.adminName(), "license.assign"))
                    .containsExactly("NOT_FOUND", "NOT_FOUND"));
    // The owner's admin sees the order, without the full code.
    LicenseOrderView seen = api.order(owner.admin(), o.id());
    assertNull(seen.code());
    assertEquals(o.codeHint(), seen.codeHint());
  }

  @Test
  void aViewerCannotRedeemACode() {
    Tenant t = tenant("Viewer redeem");
    LicenseOrderView o = api.createOrder(support.token(), po(), INSTALLER, lines(STANDARD_1Y, 1));
    Reply r = api.redeem(t.viewer(), o.code(), null);
    assertEquals(
        403, r.status(), "a viewer only reads; redeeming changes the account: " + r.body());
    assertNull(orderNow(o).accountId());
  }

  @Test
  void customersCannotCreateOrdersNorResendCodes() throws Exception {
    Tenant t = tenant("Customers");
    LicenseOrderRequest req =
        new LicenseOrderRequest(po(), STANDARD_1Y, 5, null, "ONLINE", INSTALLER);
    for (String token : List.of(t.admin(), t.viewer())) {
      Reply r = api.postOrder(token, req);
      assertEquals(403, r.status(), r.body());
      assertEquals("application/problem+json", r.headers().firstValue("Content-Type").orElse(""));
    }
    LicenseOrderView o = redeemedOrder(t, STANDARD_1Y, 1);
    Reply resend =
        api.send("POST", "/api/v1/license-orders/" + o.id() + "/resend", t.admin(), null, Map.of());
    assertEquals(403, resend.status(), resend.body());
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(audit(t.adminName(), "license.order")).containsExactly("FORBIDDEN");
              assertThat(audit(t.adminName(), "license.resend")).containsExactly("FORBIDDEN");
            });
  }

  @Test
  void invalidOrdersAreRefusedListingEveryBadField() {
    Reply all =
        api.postOrder(
            support.token(),
            new LicenseOrderRequest("", "SMARTCONNECT-GOLD-1Y", 0, null, "SHOP", "not-an-email"));
    assertEquals(400, all.status(), all.body());
    assertThat(fields(all)).contains("poNumber", "sku", "quantity", "channel", "installerEmail");
    assertThat(all.problem().errors())
        .filteredOn(e -> e.field().equals("channel"))
        .extracting(Problem.FieldError::message)
        .allMatch(m -> m.contains("ONLINE") && m.contains("PARTNER"));

    Reply badLines =
        api.postOrder(
            support.token(),
            new LicenseOrderRequest(
                po(),
                null,
                null,
                List.of(
                    new LicenseOrderRequest.Line(STANDARD_1Y, 10_001),
                    new LicenseOrderRequest.Line("WAT", 1)),
                "PARTNER",
                INSTALLER));
    assertEquals(400, badLines.status(), badLines.body());
    assertThat(fields(badLines)).contains("quantity", "sku");

    Reply repeated =
        api.postOrder(
            support.token(),
            new LicenseOrderRequest(
                po(),
                null,
                null,
                List.of(
                    new LicenseOrderRequest.Line(STANDARD_1Y, 1),
                    new LicenseOrderRequest.Line(STANDARD_1Y, 2)),
                "ONLINE",
                INSTALLER));
    assertEquals(400, repeated.status(), repeated.body());
    assertThat(fields(repeated)).contains("lines");

    Reply missing =
        api.postOrder(
            support.token(),
            new LicenseOrderRequest(po(), STANDARD_1Y, null, null, "online", INSTALLER));
    assertEquals(400, missing.status(), missing.body());
    assertThat(fields(missing)).contains("quantity", "channel");

    Reply wrongType =
        api.send(
            "POST",
            "/api/v1/license-orders",
            support.token(),
            "{\"poNumber\":\"PO-1\",\"sku\":\""
                + STANDARD_1Y
                + "\",\"quantity\":\"two\",\"channel\":\"ONLINE\","
                + "\"installerEmail\":\""
                + INSTALLER
                + "\"}",
            Map.of());
    assertEquals(400, wrongType.status(), wrongType.body());
    assertThat(fields(wrongType)).contains("quantity");
  }

  @Test
  void assigningMoreEntitlementsThanLeftIsAConflictAndChangesNothing() {
    Tenant t = tenant("Overassign");
    LicenseOrderView o = redeemedOrder(t, STANDARD_1Y, 2);
    List<String> devices = IntStream.range(0, 3).mapToObj(i -> device(t.accountId())).toList();

    Reply tooMany = api.assign(t.admin(), assignment(o.code(), devices, null, false), null);
    assertEquals(409, tooMany.status(), tooMany.body());
    assertThat(tooMany.problem().detail()).contains("2").contains("3");
    Reply stackedTooMany =
        api.assign(
            t.admin(),
            assignment(
                o.code(),
                devices.subList(0, 1),
                List.of(STANDARD_1Y, STANDARD_1Y, STANDARD_1Y),
                false),
            null);
    assertEquals(409, stackedTooMany.status(), stackedTooMany.body());
    Reply previewTooMany = api.assign(t.admin(), assignment(o.code(), devices, null, true), null);
    assertEquals(409, previewTooMany.status(), previewTooMany.body());
    assertCounts(line(orderNow(o), STANDARD_1Y), 2, 0, 0, 2);
    for (String s : devices) assertThat(api.plan(t.admin(), s).terms()).hasSize(1);

    result(api.assign(t.admin(), assignment(o.code(), devices.subList(0, 2), null, false), null));
    awaitOrderCounts(o, STANDARD_1Y, 2, 0);
    Reply none =
        api.assign(t.admin(), assignment(o.code(), devices.subList(2, 3), null, false), null);
    assertEquals(409, none.status(), none.body());
    assertCounts(line(orderNow(o), STANDARD_1Y), 2, 2, 0, 0);
    assertThat(api.plan(t.admin(), devices.get(2)).terms()).hasSize(1);
    awaitEntitlement(t.admin(), t.accountId(), STANDARD_1Y, 2, 2, 0);
  }

  @Test
  void aRepeatedIdempotencyKeyReturnsTheSameAssignmentAndAppliesNothingTwice() {
    Tenant t = tenant("Idempotent");
    LicenseOrderView o = redeemedOrder(t, STANDARD_1Y, 3);
    String serial = device(t.accountId());
    Instant trialEnd = trialEnd(serial);
    String key = UUID.randomUUID().toString();

    AssignmentResult first =
        result(api.assign(t.admin(), assignment(o.code(), List.of(serial), null, false), key));
    AssignmentResult second =
        result(api.assign(t.admin(), assignment(o.code(), List.of(serial), null, false), key));
    assertEquals(first.devices().get(0).assignmentIds(), second.devices().get(0).assignmentIds());
    assertEquals(first.devices().get(0).plan().terms(), second.devices().get(0).plan().terms());
    List<CompletableFuture<Reply>> concurrent =
        IntStream.range(0, 5)
            .mapToObj(
                i ->
                    CompletableFuture.supplyAsync(
                        () ->
                            api.assign(
                                t.admin(),
                                assignment(o.code(), List.of(serial), null, false),
                                key)))
            .toList();
    for (CompletableFuture<Reply> f : concurrent) {
      assertEquals(
          first.devices().get(0).assignmentIds(),
          result(f.join()).devices().get(0).assignmentIds());
    }

    awaitOrderCounts(o, STANDARD_1Y, 1, 2);
    DevicePlanView plan = api.plan(t.admin(), serial);
    assertThat(plan.terms())
        .filteredOn(term -> term.source().equals("LICENSE"))
        .extracting(DevicePlanView.Term::assignmentId)
        .containsExactlyElementsOf(first.devices().get(0).assignmentIds());
    assertEquals(plusYears(trialEnd, 1), plan.coveredUntil());
    awaitEntitlement(t.admin(), t.accountId(), STANDARD_1Y, 3, 1, 2);

    // Another key is another assignment.
    AssignmentResult third =
        result(
            api.assign(
                t.admin(),
                assignment(o.code(), List.of(serial), null, false),
                UUID.randomUUID().toString()));
    assertThat(third.devices().get(0).assignmentIds())
        .doesNotContainAnyElementsOf(first.devices().get(0).assignmentIds());
    awaitOrderCounts(o, STANDARD_1Y, 2, 1);
  }

  @Test
  void wrongCodesAreThrottledPerUserWhileAnotherUserIsUnaffected() {
    Tenant t = tenant("Guessing");
    String guesser = userToken(t.accountId(), "ACCOUNT_ADMIN");
    String colleague = userToken(t.accountId(), "ACCOUNT_ADMIN");
    LicenseOrderView real =
        api.createOrder(support.token(), po(), INSTALLER, lines(STANDARD_1Y, 1));

    int notFound = 0;
    Reply throttled = null;
    for (int i = 0; i < 20 && throttled == null; i++) {
      Reply r = api.redeem(guesser, ActivationCodes.generate(), null);
      if (r.status() == 404) {
        notFound++;
      } else {
        assertEquals(429, r.status(), r.body());
        throttled = r;
      }
    }
    assertNotNull(throttled, "never throttled after " + notFound + " wrong codes");
    assertThat(notFound).as("wrong codes allowed before throttling").isBetween(5, 6);
    String retryAfter = throttled.headers().firstValue("Retry-After").orElse(null);
    assertNotNull(retryAfter);
    assertThat(Integer.parseInt(retryAfter)).isPositive();

    // Never a success while throttled, not even with the right code, on any licensing endpoint.
    assertEquals(429, api.redeem(guesser, real.code(), null).status());
    assertEquals(
        429,
        api.assign(
                guesser, assignment(real.code(), List.of(device(t.accountId())), null, true), null)
            .status());
    assertNull(orderNow(real).accountId());

    // Another user of the same account is not affected.
    assertEquals(404, api.redeem(colleague, ActivationCodes.generate(), null).status());
    api.redeem(colleague, real.code(), null).expect(200);
    assertEquals(t.accountId(), orderNow(real).accountId());
  }

  @Test
  void anUnknownOrForeignDeviceInAnAssignmentIsNotFoundAndReservesNothing() {
    Tenant t = tenant("Unknown device");
    Tenant stranger = tenant("Stranger");
    LicenseOrderView o = redeemedOrder(t, STANDARD_1Y, 2);
    String mine = device(t.accountId());
    String theirs = device(stranger.accountId());

    Reply unknown =
        api.assign(
            t.admin(), assignment(o.code(), List.of(mine, "NOSUCHDEVICE01"), null, false), null);
    assertEquals(404, unknown.status(), unknown.body());
    assertThat(unknown.problem().detail()).contains("NOSUCHDEVICE01");
    Reply foreign =
        api.assign(t.admin(), assignment(o.code(), List.of(mine, theirs), null, false), null);
    assertEquals(404, foreign.status(), foreign.body());

    assertCounts(line(orderNow(o), STANDARD_1Y), 2, 0, 0, 2);
    assertThat(api.plan(t.admin(), mine).terms()).hasSize(1);
    assertThat(api.plan(stranger.admin(), theirs).terms()).hasSize(1);
    awaitEntitlement(t.admin(), t.accountId(), STANDARD_1Y, 2, 0, 2);
  }

  @Test
  void aCodeTypedInLowerCaseWithSpacesForDashesIsRedeemed() {
    Tenant t = tenant("Typed");
    LicenseOrderView o = api.createOrder(support.token(), po(), INSTALLER, lines(STANDARD_1Y, 1));
    String typed = o.code().toLowerCase().replace("-", "%20");
    LicenseOrderView redeemed =
        api.redeem(t.admin(), typed, null).expect(200).as(LicenseOrderView.class);
    assertEquals(t.accountId(), redeemed.accountId());
  }

  @Test
  void supportRedeemingForAnUnknownAccountIsNotFoundAndLeavesTheCodeFree() {
    Tenant t = tenant("Typo");
    LicenseOrderView o = api.createOrder(support.token(), po(), INSTALLER, lines(STANDARD_1Y, 1));
    Reply missing = api.redeem(support.token(), o.code(), null);
    assertEquals(400, missing.status(), missing.body());
    assertThat(fields(missing)).contains("accountId");

    Reply phantom = api.redeem(support.token(), o.code(), UUID.randomUUID().toString());
    assertEquals(
        404,
        phantom.status(),
        "a code must not be given to an account that does not exist: " + phantom.body());
    assertNull(orderNow(o).accountId());
    api.redeem(t.admin(), o.code(), null).expect(200);
  }

  @Test
  void invalidAssignmentsAreRefusedNamingTheProblem() {
    Tenant t = tenant("Bad assignments");
    LicenseOrderView o = redeemedOrder(t, STANDARD_1Y, 2, STANDARD_3Y, 2);
    String serial = device(t.accountId());

    Reply empty = api.assign(t.admin(), assignment(null, List.of(), null, false), null);
    assertEquals(400, empty.status(), empty.body());
    assertThat(fields(empty)).contains("code", "serials");
    Reply repeated =
        api.assign(
            t.admin(),
            assignment(o.code(), List.of(serial, serial), List.of(STANDARD_1Y), false),
            null);
    assertEquals(400, repeated.status(), repeated.body());
    assertThat(fields(repeated)).contains("serials");
    Reply unknownSku =
        api.assign(
            t.admin(),
            assignment(o.code(), List.of(serial), List.of("SMARTCONNECT-GOLD-1Y"), false),
            null);
    assertEquals(400, unknownSku.status(), unknownSku.body());
    assertThat(fields(unknownSku)).contains("skus");
    Reply notOnCode =
        api.assign(
            t.admin(), assignment(o.code(), List.of(serial), List.of(ADVANCED_1Y), false), null);
    assertEquals(400, notOnCode.status(), notOnCode.body());
    assertThat(notOnCode.problem().detail()).contains(ADVANCED_1Y);
    Reply ambiguous =
        api.assign(t.admin(), assignment(o.code(), List.of(serial), null, false), null);
    assertEquals(400, ambiguous.status(), ambiguous.body());
    assertThat(ambiguous.problem().detail()).contains(STANDARD_1Y).contains(STANDARD_3Y);
    Reply supportWithoutAccount =
        api.assign(
            support.token(),
            assignment(o.code(), List.of(serial), List.of(STANDARD_1Y), false),
            null);
    assertEquals(400, supportWithoutAccount.status(), supportWithoutAccount.body());
    assertThat(fields(supportWithoutAccount)).contains("accountId");

    assertCounts(line(orderNow(o), STANDARD_1Y), 2, 0, 0, 2);
    assertCounts(line(orderNow(o), STANDARD_3Y), 2, 0, 0, 2);
    assertThat(api.plan(t.admin(), serial).terms()).hasSize(1);
  }

  @Test
  void skuListNamesEveryLicenseAndWarranty() {
    Tenant t = tenant("Skus");
    Reply r = api.get("/api/v1/skus", t.viewer()).expect(200);
    Set<String> skus =
        r.as(new TypeReference<List<Map<String, Object>>>() {}).stream()
            .map(m -> (String) m.get("sku"))
            .collect(Collectors.toSet());
    assertThat(skus)
        .contains(
            STANDARD_1Y,
            STANDARD_3Y,
            "SMARTCONNECT-STANDARD-5Y",
            ADVANCED_1Y,
            "SMARTCONNECT-ADVANCED-3Y",
            "SMARTCONNECT-ADVANCED-5Y",
            "WEXTWAR",
            "WBEXTWAR");
  }
}
