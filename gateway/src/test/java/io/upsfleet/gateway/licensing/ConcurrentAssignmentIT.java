package io.upsfleet.gateway.licensing;

import static io.upsfleet.gateway.licensing.LicensingHttp.STANDARD_1Y;
import static io.upsfleet.gateway.licensing.LicensingHttp.assignment;
import static io.upsfleet.gateway.licensing.LicensingHttp.line;
import static io.upsfleet.gateway.licensing.LicensingHttp.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.upsfleet.api.client.UpsfleetClient;
import io.upsfleet.api.rest.AssignmentResult;
import io.upsfleet.api.rest.DevicePlanView;
import io.upsfleet.api.rest.EntitlementView;
import io.upsfleet.api.rest.LicenseOrderView;
import io.upsfleet.gateway.licensing.LicensingHttp.Reply;
import io.upsfleet.gateway.testing.GatewayFixture;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A code's entitlements are never over-assigned, whatever the concurrency (RELIABILITY.md,
 * Licensing): many simultaneous assignments through the real HTTP API, each for a different device
 * of the account, and exactly as many succeed as there are entitlements left; every other device
 * keeps its plan.
 */
class ConcurrentAssignmentIT {
  private static final String PASSWORD = "a-long-password-123";
  private static final int REQUESTS = 50;

  private static GatewayFixture gw;
  private static UpsfleetClient support;
  private static LicensingHttp api;

  @BeforeAll
  static void start() {
    // The per-user rate limiter is not under test here: support registers a hundred devices in a
    // row.
    gw =
        GatewayFixture.start(
            "ConcurrentAssignmentIT",
            Map.<String, Object>of(
                "upsfleet.gateway.http.requests-per-second", 1000,
                "upsfleet.gateway.http.burst", 1000));
    support = gw.support();
    api = new LicensingHttp(gw.httpBase());
  }

  @AfterAll
  static void stop() {
    if (gw != null) gw.close();
  }

  private record Tenant(String accountId, String admin) {}

  private static Tenant tenant(String name) {
    String id = support.createAccount(name + " " + GatewayFixture.uniqueSerial()).id();
    String admin = "admin-" + GatewayFixture.uniqueSerial().toLowerCase();
    support.createUser(id, admin, PASSWORD, "ACCOUNT_ADMIN");
    return new Tenant(id, LicensingHttp.token(gw, admin, PASSWORD));
  }

  private static List<String> devices(String accountId, int n) {
    return IntStream.range(0, n)
        .mapToObj(
            i -> {
              String serial = GatewayFixture.uniqueSerial();
              support.registerDevice(serial, "SMT750C", accountId);
              return serial;
            })
        .toList();
  }

  private static LicenseOrderView redeemedOrder(Tenant t, int quantity) {
    LicenseOrderView o =
        api.createOrder(
            support.token(),
            "PO-" + GatewayFixture.uniqueSerial(),
            "installer@example.com",
            Map.of(STANDARD_1Y, quantity));
    api.redeem(t.admin(), o.code(), null).expect(200);
    return o;
  }

  /** Fires one single-device assignment per serial, all at once, and waits for every answer. */
  private static Map<String, Reply> assignConcurrently(
      Tenant t, String code, List<String> serials) {
    List<CompletableFuture<Reply>> replies =
        serials.stream()
            .map(s -> api.assignAsync(t.admin(), assignment(code, List.of(s), null, false)))
            .toList();
    CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).join();
    return IntStream.range(0, serials.size())
        .boxed()
        .collect(Collectors.toMap(serials::get, i -> replies.get(i).join()));
  }

  private static Set<String> withStatus(Map<String, Reply> replies, int status) {
    return replies.entrySet().stream()
        .filter(e -> e.getValue().status() == status)
        .map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  /** The devices whose timeline holds a license term. */
  private static Set<String> licensed(List<String> serials) {
    return serials.stream()
        .filter(
            s ->
                api.plan(support.token(), s).terms().stream()
                    .anyMatch(t -> t.source().equals("LICENSE")))
        .collect(Collectors.toSet());
  }

  private static void awaitAllUsed(LicenseOrderView o, Tenant t, int quantity) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              EntitlementView l = line(api.order(support.token(), o.id()), STANDARD_1Y);
              assertEquals(
                  List.of(quantity, 0, 0),
                  List.of(l.used(), l.pending(), l.available()),
                  l::toString);
            });
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              EntitlementView e = api.entitlement(t.admin(), t.accountId(), STANDARD_1Y);
              // The account's entitlements come from a read model that trails the order by a
              // moment.
              assertNotNull(e, "the account's entitlements are not projected yet");
              assertEquals(
                  List.of(quantity, quantity, 0, 0),
                  List.of(e.quantity(), e.used(), e.pending(), e.available()),
                  e::toString);
            });
  }

  @Test
  void fiftyConcurrentAssignmentsForTheLastEntitlementLetExactlyOneSucceed() {
    int quantity = 3;
    Tenant t = tenant("Last entitlement");
    LicenseOrderView o = redeemedOrder(t, quantity);
    List<String> early = devices(t.accountId(), quantity - 1);
    result(api.assign(t.admin(), assignment(o.code(), early, null, false), null));
    List<String> racers = devices(t.accountId(), REQUESTS);

    Map<String, Reply> replies = assignConcurrently(t, o.code(), racers);

    Set<String> won = withStatus(replies, 200);
    assertThat(won).as("successful assignments").hasSize(1);
    assertThat(withStatus(replies, 409)).as("conflicts").hasSize(REQUESTS - 1);
    String winner = won.iterator().next();
    AssignmentResult r = result(replies.get(winner));
    assertEquals(winner, r.devices().get(0).serial());
    awaitAllUsed(o, t, quantity);
    assertEquals(Set.of(winner), licensed(racers), "only the winner got a new term");
    DevicePlanView plan = api.plan(support.token(), winner);
    assertThat(plan.terms())
        .filteredOn(term -> term.source().equals("LICENSE"))
        .extracting(DevicePlanView.Term::assignmentId)
        .containsExactlyElementsOf(r.devices().get(0).assignmentIds());
  }

  @Test
  void concurrentRedemptionsByManyAccountsGiveTheCodeToExactlyOne() {
    List<Tenant> tenants = IntStream.range(0, 10).mapToObj(i -> tenant("Redeemer " + i)).toList();
    LicenseOrderView o =
        api.createOrder(
            support.token(),
            "PO-" + GatewayFixture.uniqueSerial(),
            "installer@example.com",
            Map.of(STANDARD_1Y, 1));
    List<CompletableFuture<Reply>> replies =
        tenants.stream()
            .map(
                t ->
                    api.sendAsync(
                        "POST",
                        "/api/v1/activation-codes/" + o.code() + "/redeem",
                        t.admin(),
                        null,
                        Map.of()))
            .toList();
    List<Integer> statuses = replies.stream().map(f -> f.join().status()).toList();
    assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
    assertThat(statuses).filteredOn(s -> s == 409).hasSize(tenants.size() - 1);
    Tenant owner = tenants.get(statuses.indexOf(200));
    assertEquals(owner.accountId(), api.order(support.token(), o.id()).accountId());
  }

  @Test
  void fiftyConcurrentAssignmentsForTenEntitlementsLetExactlyTenSucceed() {
    int quantity = 10;
    Tenant t = tenant("Ten of fifty");
    LicenseOrderView o = redeemedOrder(t, quantity);
    List<String> racers = devices(t.accountId(), REQUESTS);

    Map<String, Reply> replies = assignConcurrently(t, o.code(), racers);

    Set<String> won = withStatus(replies, 200);
    assertThat(won).as("successful assignments").hasSize(quantity);
    assertThat(withStatus(replies, 409)).as("conflicts").hasSize(REQUESTS - quantity);
    awaitAllUsed(o, t, quantity);
    assertEquals(won, licensed(racers), "exactly the winners got a new term");
  }
}
