package io.upsfleet.cluster.licensing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.upsfleet.cluster.UpsfleetCluster;
import io.upsfleet.cluster.device.UpsDevice;
import io.upsfleet.cluster.plan.Grant;
import io.upsfleet.cluster.plan.PlanTerm;
import io.upsfleet.cluster.plan.Sku;
import io.upsfleet.cluster.plan.TermSource;
import io.upsfleet.persistence.DataSources;
import io.upsfleet.persistence.DatabaseSettings;
import io.upsfleet.persistence.Migrations;
import io.upsfleet.persistence.testing.TestDatabases;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once application of an assignment across a node's death (RELIABILITY.md, Faults;
 * LicenseOrder's contract): an entitlement reserved on its order but not (or not known to be)
 * applied to its device when the node goes down is applied once, and counted used once, by the next
 * node on the same database — the watchdog finds the stalled order and the order re-drives its
 * pending reservation.
 */
class LicenseAssignmentRecoveryIT {
  private static final String SKU = "SMARTCONNECT-STANDARD-1Y";
  private static final Duration ASK = Duration.ofSeconds(10);
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
  }

  /**
   * A node on {@code db}; {@code retryAfter} is how soon its orders re-drive pending reservations.
   */
  private UpsfleetCluster node(String name, DatabaseSettings db, Duration retryAfter)
      throws Exception {
    Map<String, Object> settings = new HashMap<>();
    settings.put("upsfleet.cluster.system-name", "upsfleet-" + name);
    settings.put("upsfleet.accounts.password-iterations", 1000);
    settings.put("upsfleet.devices.offline-grace", "2s");
    settings.put("upsfleet.watchdog.interval", "1s");
    settings.put("upsfleet.licensing.retry-after", retryAfter.toMillis() + "ms");
    settings.put("upsfleet.mail.file-dir", Files.createTempDirectory("upsfleet-mail").toString());
    settings.put("upsfleet.mail.poll-interval", "200ms");
    Config config = UpsfleetCluster.loadConfig(ConfigFactory.parseMap(settings));
    HikariDataSource ds = DataSources.create(db, "x");
    open.add(ds);
    Migrations.migrate(ds);
    UpsfleetCluster cluster = UpsfleetCluster.start(config, db, ds, Clock.systemUTC());
    open.add(cluster);
    await().atMost(Duration.ofSeconds(30)).until(cluster::isUp);
    return cluster;
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(ASK.toSeconds(), TimeUnit.SECONDS);
  }

  /** What the first node leaves behind: an account with a device and a redeemed order. */
  private record Setup(UUID account, String serial, UUID orderId) {}

  private static Setup setUp(UpsfleetCluster node, String name) throws Exception {
    UUID account = get(node.accounts().createAccount(name + " " + UUID.randomUUID(), "test")).id();
    String serial =
        ("RC" + UUID.randomUUID().toString().replace("-", "")).substring(0, 14).toUpperCase();
    assertInstanceOf(
        UpsDevice.Confirmation.Accepted.class,
        get(node.devices().register(serial, "SMT1500C", account.toString())));
    LicenseOrder.OrderView order =
        get(
            node.licensing()
                .createOrder(
                    "PO-" + name,
                    List.of(new Licensing.LineRequest(SKU, 2)),
                    "ONLINE",
                    "installer@example.com",
                    "test"));
    get(node.licensing().redeem(order.code(), account, "test"));
    return new Setup(account, serial, UUID.fromString(order.orderId()));
  }

  private static EntityRef<LicenseOrder.Command> order(UpsfleetCluster node, UUID orderId) {
    return ClusterSharding.get(node.system())
        .entityRefFor(LicenseOrder.ENTITY_TYPE_KEY, orderId.toString());
  }

  /**
   * Reserves one entitlement for the device on the order only, as the façade's first write does.
   */
  private static Reservation reserve(UpsfleetCluster node, Setup s) throws Exception {
    Reservation r =
        new Reservation(
            UUID.randomUUID().toString(),
            s.serial(),
            SKU,
            List.of(new Grant(Sku.parse(SKU).orElseThrow(), TermSource.LICENSE, null)));
    LicenseOrder.Reply reply =
        get(
            order(node, s.orderId())
                .<LicenseOrder.Reply>ask(
                    replyTo -> new LicenseOrder.Reserve(s.account(), List.of(r), "test", replyTo),
                    ASK));
    LicenseOrder.OrderView v = assertInstanceOf(LicenseOrder.Done.class, reply).order();
    assertEquals(1, v.pending().get(SKU));
    assertEquals(0, v.used().get(SKU));
    return r;
  }

  private static UpsDevice.PlanSummary plan(UpsfleetCluster node, String serial) throws Exception {
    return assertInstanceOf(UpsDevice.PlanSummary.class, get(node.devices().plan(serial)));
  }

  private static List<PlanTerm> termsOf(UpsDevice.PlanSummary plan, String assignmentId) {
    return plan.terms().stream().filter(t -> assignmentId.equals(t.assignmentId())).toList();
  }

  private static LicenseOrder.OrderView orderView(UpsfleetCluster node, UUID orderId)
      throws Exception {
    LicenseOrder.Reply reply =
        get(order(node, orderId).<LicenseOrder.Reply>ask(LicenseOrder.Get::new, ASK));
    return assertInstanceOf(LicenseOrder.Done.class, reply).order();
  }

  private static Licensing.LineSummary entitlement(UpsfleetCluster node, UUID account)
      throws Exception {
    return get(node.licensing().entitlements(account)).stream()
        .filter(l -> l.sku().equals(SKU))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("the read model has no " + SKU + " for " + account + " yet"));
  }

  /** The read model shows the reservation pending, so the watchdog of the next node can find it. */
  private static void awaitPendingInReadModel(UpsfleetCluster node, UUID account) {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Licensing.LineSummary l = entitlement(node, account);
              assertEquals(
                  List.of(0, 1, 1), List.of(l.used(), l.pending(), l.available()), l::toString);
            });
  }

  /**
   * On the next node: the device gets exactly one term for the assignment (found by the watchdog
   * alone: the order is not touched until then), the order counts it used once, and it stays so.
   */
  private void assertAppliedExactlyOnce(
      UpsfleetCluster next, Setup s, Reservation r, Instant trialEnd) throws Exception {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(termsOf(plan(next, s.serial()), r.assignmentId())).hasSize(1));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              LicenseOrder.OrderView v = orderView(next, s.orderId());
              assertEquals(
                  List.of(1, 0, 1),
                  List.of(v.used().get(SKU), v.pending().get(SKU), v.available().get(SKU)));
            });
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Licensing.LineSummary l = entitlement(next, s.account());
              assertEquals(
                  List.of(1, 0, 1), List.of(l.used(), l.pending(), l.available()), l::toString);
            });
    // A few more retry and watchdog periods change nothing.
    await()
        .pollDelay(Duration.ZERO)
        .during(RETRY_AFTER.multipliedBy(5))
        .atMost(RETRY_AFTER.multipliedBy(10))
        .untilAsserted(
            () -> {
              UpsDevice.PlanSummary p = plan(next, s.serial());
              List<PlanTerm> mine = termsOf(p, r.assignmentId());
              assertThat(mine).hasSize(1);
              assertThat(p.terms()).filteredOn(t -> t.source() == TermSource.LICENSE).hasSize(1);
              assertEquals(trialEnd, mine.get(0).start());
              assertEquals(
                  trialEnd.atOffset(ZoneOffset.UTC).plusYears(1).toInstant(), mine.get(0).end());
              LicenseOrder.OrderView v = orderView(next, s.orderId());
              assertEquals(
                  List.of(1, 0, 1),
                  List.of(v.used().get(SKU), v.pending().get(SKU), v.available().get(SKU)));
              assertThat(v.applied())
                  .extracting(Reservation::assignmentId)
                  .containsExactly(r.assignmentId());
            });
  }

  @Test
  void aReservationNotAppliedBeforeTheNodeDiesIsAppliedOnceByTheNextNode() throws Exception {
    DatabaseSettings db = TestDatabases.fresh("LicenseRecoveryNotApplied");
    // The first node would re-drive only after an hour: it "dies" first.
    UpsfleetCluster first = node("RecoveryA", db, Duration.ofHours(1));
    Setup s = setUp(first, "not-applied");
    Instant trialEnd = plan(first, s.serial()).terms().get(0).end();
    Reservation r = reserve(first, s);
    awaitPendingInReadModel(first, s.account());
    assertThat(termsOf(plan(first, s.serial()), r.assignmentId())).isEmpty();
    first.close();

    UpsfleetCluster next = node("RecoveryA", db, RETRY_AFTER);
    assertAppliedExactlyOnce(next, s, r, trialEnd);
  }

  @Test
  void aReservationAppliedToTheDeviceButNotMarkedAppliedIsCountedOnceByTheNextNode()
      throws Exception {
    DatabaseSettings db = TestDatabases.fresh("LicenseRecoveryUnconfirmed");
    UpsfleetCluster first = node("RecoveryB", db, Duration.ofHours(1));
    Setup s = setUp(first, "unconfirmed");
    Instant trialEnd = plan(first, s.serial()).terms().get(0).end();
    Reservation r = reserve(first, s);
    // The device's write happens; the order's Complete is lost with the node.
    assertInstanceOf(
        UpsDevice.PlanSummary.class,
        get(first.devices().applyEntitlements(s.serial(), r.assignmentId(), r.grants(), "test")));
    awaitPendingInReadModel(first, s.account());
    first.close();

    UpsfleetCluster next = node("RecoveryB", db, RETRY_AFTER);
    assertAppliedExactlyOnce(next, s, r, trialEnd);
  }
}
