package io.upsfleet.cluster.licensing;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import io.upsfleet.cluster.licensing.LicenseOrder.CodeRedeemed;
import io.upsfleet.cluster.licensing.LicenseOrder.Command;
import io.upsfleet.cluster.licensing.LicenseOrder.Complete;
import io.upsfleet.cluster.licensing.LicenseOrder.Create;
import io.upsfleet.cluster.licensing.LicenseOrder.Done;
import io.upsfleet.cluster.licensing.LicenseOrder.EntitlementApplied;
import io.upsfleet.cluster.licensing.LicenseOrder.EntitlementsReserved;
import io.upsfleet.cluster.licensing.LicenseOrder.Event;
import io.upsfleet.cluster.licensing.LicenseOrder.Get;
import io.upsfleet.cluster.licensing.LicenseOrder.OrderCreated;
import io.upsfleet.cluster.licensing.LicenseOrder.OrderView;
import io.upsfleet.cluster.licensing.LicenseOrder.Reason;
import io.upsfleet.cluster.licensing.LicenseOrder.Redeem;
import io.upsfleet.cluster.licensing.LicenseOrder.Rejected;
import io.upsfleet.cluster.licensing.LicenseOrder.Release;
import io.upsfleet.cluster.licensing.LicenseOrder.Reply;
import io.upsfleet.cluster.licensing.LicenseOrder.RequestEmail;
import io.upsfleet.cluster.licensing.LicenseOrder.ReservationReleased;
import io.upsfleet.cluster.licensing.LicenseOrder.Reserve;
import io.upsfleet.cluster.licensing.LicenseOrder.State;
import io.upsfleet.cluster.licensing.LicenseOrder.Wake;
import io.upsfleet.cluster.plan.Grant;
import io.upsfleet.cluster.plan.Sku;
import io.upsfleet.cluster.plan.TermSource;
import io.upsfleet.cluster.testing.EntityTestConfig;
import io.upsfleet.cluster.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link LicenseOrder}, the single writer of an activation code's counts (DOMAIN.md §5,
 * RELIABILITY.md Licensing), through the {@link EventSourcedBehaviorTestKit} with jackson-cbor
 * verification. The applier (which in production asks the device) is a function the test controls
 * and observes; time is a test clock, so re-driving after {@code retryAfter} is triggered by moving
 * it and sending {@link Wake}.
 */
class LicenseOrderTest {

  static Config testConfig() {
    return EntityTestConfig.testkit();
  }

  private static final ActorTestKit testKit = ActorTestKit.create("LicenseOrderTest", testConfig());

  @AfterAll
  static void shutdownTestKit() {
    testKit.shutdownTestKit();
  }

  private static final Duration RETRY_AFTER = Duration.ofSeconds(30);
  private static final String STD = "SMARTCONNECT-STANDARD-1Y";
  private static final String ADV = "SMARTCONNECT-ADVANCED-3Y";
  private static final UUID A = UUID.fromString("00000000-0000-0000-0000-00000000000a");
  private static final UUID B = UUID.fromString("00000000-0000-0000-0000-00000000000b");
  private static final String CODE = "7KQ2M-XW9RT-0HC4D-J8NVB-3FPZS";

  private final String orderId = UUID.randomUUID().toString();
  private final TestClock clock = new TestClock(Instant.parse("2025-03-10T08:00:00Z"));
  private final TestProbe<Reservation> applierCalls = testKit.createTestProbe();
  private final AtomicReference<Function<Reservation, CompletionStage<Boolean>>> applierOutcome =
      new AtomicReference<>(r -> CompletableFuture.completedFuture(true));
  private final EventSourcedBehaviorTestKit<Command, Event, State> kit =
      EventSourcedBehaviorTestKit.create(
          testKit.system(),
          LicenseOrder.create(orderId, this::applier, RETRY_AFTER, clock),
          EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));

  private CompletionStage<Boolean> applier(Reservation r) {
    applierCalls.ref().tell(r);
    return applierOutcome.get().apply(r);
  }

  // ---------------------------------------------------------------------------------- creation

  @Nested
  class Creation {

    @Test
    void createPersistsTheOrderWithEveryEntitlementAvailable() {
      Instant now = clock.instant();
      var result =
          kit.<Reply>runCommand(
              r ->
                  new Create(
                      "PO-1",
                      List.of(line(STD, 5), new OrderLine(ADV, 11, 1, "vol")),
                      "partner",
                      "installer@example.com",
                      CODE,
                      "support",
                      r));
      assertThat(result.events())
          .containsExactly(
              new OrderCreated(
                  orderId,
                  "PO-1",
                  List.of(line(STD, 5), new OrderLine(ADV, 11, 1, "vol")),
                  "partner",
                  "installer@example.com",
                  CODE,
                  "support",
                  now));
      OrderView view = done(result.reply());
      assertThat(view.available()).containsOnly(Map.entry(STD, 5), Map.entry(ADV, 12));
      assertThat(view.used()).containsOnly(Map.entry(STD, 0), Map.entry(ADV, 0));
      assertThat(view.pending()).containsOnly(Map.entry(STD, 0), Map.entry(ADV, 0));
      assertThat(view.accountId()).isNull();
      assertThat(view.code()).isEqualTo(CODE);
      assertThat(view.emailsRequested()).as("the code e-mail is queued on creation").isEqualTo(1);
      assertThat(view.createdAt()).isEqualTo(now);
    }

    @Test
    void aSecondCreateIsRefusedAlreadyExists() {
      create(line(STD, 5));
      var again =
          kit.<Reply>runCommand(
              r ->
                  new Create(
                      "PO-2",
                      List.of(line(ADV, 1)),
                      "online",
                      "x@example.com",
                      CODE,
                      "support",
                      r));
      assertThat(rejected(again.reply()).reason()).isEqualTo(Reason.ALREADY_EXISTS);
      assertThat(again.hasNoEvents()).isTrue();
    }

    @Test
    void anOrderWithoutLinesIsInvalid() {
      var result =
          kit.<Reply>runCommand(
              r -> new Create("PO-1", List.of(), "online", "x@example.com", CODE, "s", r));
      assertThat(rejected(result.reply()).reason()).isEqualTo(Reason.INVALID);
      assertThat(result.hasNoEvents()).isTrue();
    }

    @Test
    void everyCommandOnAMissingOrderIsNotFound() {
      assertThat(rejected(kit.<Reply>runCommand(Get::new).reply()).reason())
          .isEqualTo(Reason.NOT_FOUND);
      assertThat(rejected(kit.<Reply>runCommand(r -> new Redeem(A, "alice", r)).reply()).reason())
          .isEqualTo(Reason.NOT_FOUND);
      assertThat(rejected(reserve(A, reservation("r1", STD)).reply()).reason())
          .isEqualTo(Reason.NOT_FOUND);
      assertThat(
              rejected(kit.<Reply>runCommand(r -> new RequestEmail("support", r)).reply()).reason())
          .isEqualTo(Reason.NOT_FOUND);
      assertThat(journal()).isEmpty();
    }

    @Test
    void theCodeEmailCanBeRequestedAgain() {
      create(line(STD, 1));
      var result = kit.<Reply>runCommand(r -> new RequestEmail("support", r));
      assertThat(done(result.reply()).emailsRequested()).isEqualTo(2);
      assertThat(result.events())
          .singleElement()
          .isInstanceOf(LicenseOrder.CodeEmailRequested.class);
    }
  }

  // ---------------------------------------------------------------------------------- redemption

  @Nested
  class Redemption {

    @Test
    void theFirstAccountToRedeemOwnsTheCode() {
      create(line(STD, 5));
      var result = kit.<Reply>runCommand(r -> new Redeem(A, "alice", r));
      assertThat(result.events()).containsExactly(new CodeRedeemed(A, "alice", clock.instant()));
      assertThat(done(result.reply()).accountId()).isEqualTo(A);
      assertThat(done(result.reply()).redeemedAt()).isEqualTo(clock.instant());
    }

    @Test
    void redeemingAgainByTheSameAccountIsRefusedAlreadyRedeemedAndPersistsNothing() {
      create(line(STD, 5));
      redeem(A);
      State before = kit.getState();
      clock.advance(Duration.ofMinutes(5));
      var again = kit.<Reply>runCommand(r -> new Redeem(A, "alice", r));
      Rejected refused = rejected(again.reply());
      assertThat(refused.reason()).isEqualTo(Reason.ALREADY_REDEEMED);
      assertThat(refused.message()).contains("your account");
      assertThat(again.hasNoEvents()).isTrue();
      assertThat(again.state()).isEqualTo(before);
    }

    @Test
    void redeemingByAnotherAccountIsRefusedAlreadyRedeemedAndTheCodeStaysWithTheFirst() {
      create(line(STD, 5));
      redeem(A);
      State before = kit.getState();
      var other = kit.<Reply>runCommand(r -> new Redeem(B, "bob", r));
      Rejected refused = rejected(other.reply());
      assertThat(refused.reason()).isEqualTo(Reason.ALREADY_REDEEMED);
      assertThat(refused.message()).contains("another account");
      assertThat(other.hasNoEvents()).isTrue();
      assertThat(other.state()).isEqualTo(before);
      assertThat(other.state().accountId()).isEqualTo(A);
    }
  }

  // ---------------------------------------------------------------------------------- reservations

  @Nested
  class Reservations {

    @Test
    void reservingBeforeRedeemingIsRefusedNotRedeemed() {
      create(line(STD, 5));
      var result = reserve(A, reservation("r1", STD));
      assertThat(rejected(result.reply()).reason()).isEqualTo(Reason.NOT_REDEEMED);
      assertThat(result.hasNoEvents()).isTrue();
    }

    @Test
    void anotherAccountsReserveIsNotFoundLikeAMissingCode() {
      create(line(STD, 5));
      redeem(A);
      var result = reserve(B, reservation("r1", STD));
      Rejected refused = rejected(result.reply());
      assertThat(refused.reason()).isEqualTo(Reason.NOT_FOUND);
      assertThat(refused.message()).isEqualTo("no such order");
      assertThat(result.hasNoEvents()).isTrue();
      assertThat(view().available()).containsEntry(STD, 5);
    }

    @Test
    void reservingMovesEntitlementsFromAvailableToPending() {
      create(line(STD, 5));
      redeem(A);
      var result = reserve(A, reservation("r1", STD), reservation("r2", STD));
      assertThat(result.events())
          .singleElement()
          .isInstanceOfSatisfying(
              EntitlementsReserved.class,
              e -> {
                assertThat(e.reservations())
                    .extracting(Reservation::assignmentId)
                    .containsExactly("r1", "r2");
                assertThat(e.by()).isEqualTo("alice");
              });
      OrderView view = done(result.reply());
      assertThat(view.available()).containsEntry(STD, 3);
      assertThat(view.pending()).containsEntry(STD, 2);
      assertThat(view.used()).containsEntry(STD, 0);
    }

    @Test
    void reservingMoreThanAvailableIsInsufficientAndChangesNoCount() {
      create(line(STD, 2));
      redeem(A);
      State before = kit.getState();
      var result =
          reserve(A, reservation("r1", STD), reservation("r2", STD), reservation("r3", STD));
      Rejected refused = rejected(result.reply());
      assertThat(refused.reason()).isEqualTo(Reason.INSUFFICIENT);
      assertThat(refused.message()).contains("2 " + STD + " left, 3 requested");
      assertThat(result.hasNoEvents()).isTrue();
      assertThat(result.state()).isEqualTo(before);
      assertThat(view().available()).containsEntry(STD, 2);
    }

    @Test
    void aSkuThatIsNotOnTheOrderIsInsufficient() {
      create(line(STD, 2));
      redeem(A);
      var result = reserve(A, reservation("r1", ADV));
      assertThat(rejected(result.reply()).reason()).isEqualTo(Reason.INSUFFICIENT);
      assertThat(result.hasNoEvents()).isTrue();
    }

    @Test
    void reservingIsAllOrNothingAcrossSkus() {
      create(line(STD, 5), line(ADV, 1));
      redeem(A);
      var result =
          reserve(
              A,
              reservation("s1", STD),
              reservation("s2", STD),
              reservation("a1", ADV),
              reservation("a2", ADV));
      assertThat(rejected(result.reply()).reason()).isEqualTo(Reason.INSUFFICIENT);
      assertThat(result.hasNoEvents()).isTrue();
      OrderView view = view();
      assertThat(view.available()).containsEntry(STD, 5).containsEntry(ADV, 1);
      assertThat(view.pending()).containsEntry(STD, 0).containsEntry(ADV, 0);
    }

    @Test
    void aRetriedReserveWithTheSameAssignmentIdsReservesNothingNew() {
      create(line(STD, 3));
      redeem(A);
      OrderView first = done(reserve(A, reservation("r1", STD), reservation("r2", STD)).reply());
      var retry = reserve(A, reservation("r1", STD), reservation("r2", STD));
      assertThat(retry.hasNoEvents()).isTrue();
      assertThat(done(retry.reply())).isEqualTo(first);
    }

    @Test
    void aRetryOverlappingAnEarlierRequestReservesOnlyTheNewAssignments() {
      create(line(STD, 3));
      redeem(A);
      reserve(A, reservation("r1", STD), reservation("r2", STD));
      var retry = reserve(A, reservation("r2", STD), reservation("r3", STD));
      assertThat(retry.events())
          .singleElement()
          .isInstanceOfSatisfying(
              EntitlementsReserved.class,
              e ->
                  assertThat(e.reservations())
                      .extracting(Reservation::assignmentId)
                      .containsExactly("r3"));
      assertThat(done(retry.reply()).available()).containsEntry(STD, 0);
    }

    @Test
    void aRetryOfAnAppliedAssignmentSucceedsWithoutReservingEvenWhenNothingIsLeft() {
      create(line(STD, 1));
      redeem(A);
      reserve(A, reservation("r1", STD));
      kit.runCommand(new Complete("r1"));
      var retry = reserve(A, reservation("r1", STD));
      assertThat(retry.reply()).isInstanceOf(Done.class);
      assertThat(retry.hasNoEvents()).isTrue();
      assertThat(done(retry.reply()).used()).containsEntry(STD, 1);
    }

    @Test
    void aVolumeBonusCountsAsAvailable() {
      create(new OrderLine(STD, 11, 1, "volume-2024"));
      redeem(A);
      List<Reservation> twelve =
          IntStream.range(0, 12).mapToObj(i -> reservation("v" + i, STD)).toList();
      assertThat(done(reserve(A, twelve.toArray(Reservation[]::new)).reply()).available())
          .containsEntry(STD, 0);
      assertThat(rejected(reserve(A, reservation("v12", STD)).reply()).reason())
          .isEqualTo(Reason.INSUFFICIENT);
    }
  }

  // ---------------------------------------------------------------------------------- completion
  // and release

  @Nested
  class CompletionAndRelease {

    @Test
    void completeMovesAReservationFromPendingToUsedOnce() {
      create(line(STD, 3));
      redeem(A);
      reserve(A, reservation("r1", STD));
      var complete = kit.runCommand(new Complete("r1"));
      assertThat(complete.events()).containsExactly(new EntitlementApplied("r1", clock.instant()));
      OrderView view = view();
      assertThat(view.used()).containsEntry(STD, 1);
      assertThat(view.pending()).containsEntry(STD, 0);
      assertThat(view.available()).containsEntry(STD, 2);
      assertThat(view.applied()).extracting(Reservation::assignmentId).containsExactly("r1");

      assertThat(kit.runCommand(new Complete("r1")).hasNoEvents()).as("a second Complete").isTrue();
      assertThat(kit.runCommand(new Complete("nope")).hasNoEvents())
          .as("an unknown assignment")
          .isTrue();
    }

    @Test
    void releaseReturnsTheEntitlementToAvailable() {
      create(line(STD, 3));
      redeem(A);
      reserve(A, reservation("r1", STD));
      var release = kit.runCommand(new Release("r1", "DEVICE_NOT_FOUND"));
      assertThat(release.events())
          .containsExactly(new ReservationReleased("r1", "DEVICE_NOT_FOUND", clock.instant()));
      OrderView view = view();
      assertThat(view.available()).containsEntry(STD, 3);
      assertThat(view.pending()).containsEntry(STD, 0);
      assertThat(view.used()).containsEntry(STD, 0);
    }

    @Test
    void anAppliedEntitlementCannotBeReleased() {
      create(line(STD, 3));
      redeem(A);
      reserve(A, reservation("r1", STD));
      kit.runCommand(new Complete("r1"));
      assertThat(kit.runCommand(new Release("r1", "late")).hasNoEvents()).isTrue();
      assertThat(view().used()).containsEntry(STD, 1);
      assertThat(kit.runCommand(new Complete("r1")).hasNoEvents()).isTrue();
    }

    @Test
    void aReleasedAssignmentCannotBeCompletedAfterwards() {
      create(line(STD, 3));
      redeem(A);
      reserve(A, reservation("r1", STD));
      kit.runCommand(new Release("r1", "DEVICE_NOT_FOUND"));
      assertThat(kit.runCommand(new Complete("r1")).hasNoEvents()).isTrue();
      assertThat(view().used()).containsEntry(STD, 0);
    }

    @Test
    void aRestartRecoversTheSameState() {
      create(line(STD, 3), line(ADV, 2));
      redeem(A);
      reserve(A, reservation("r1", STD), reservation("r2", ADV), reservation("r3", STD));
      kit.runCommand(new Complete("r1"));
      kit.runCommand(new Release("r3", "DEVICE_NOT_FOUND"));
      kit.runCommand(new Complete("r2"));
      kit.<Reply>runCommand(r -> new RequestEmail("support", r));
      State before = kit.getState();
      assertThat(kit.restart().state()).isEqualTo(before);
    }
  }

  // ---------------------------------------------------------------------------------- re-driving

  @Nested
  class ReDriving {

    @Test
    void pendingReservationsAreReDrivenByTheApplierAfterRecoveryAndMarkedApplied() {
      create(line(STD, 3));
      redeem(A);
      reserve(A, reservation("r1", STD), reservation("r2", STD));
      kit.runCommand(new Complete("r1")); // r2: the node died before the device applied it
      applierCalls.expectNoMessage(Duration.ofMillis(100));

      kit.restart();
      Reservation redriven =
          applierCalls.expectMessageClass(Reservation.class, Duration.ofSeconds(5));
      assertThat(redriven).isEqualTo(reservation("r2", STD));
      applierCalls.awaitAssert(
          Duration.ofSeconds(5),
          () -> {
            assertThat(kit.getState().pending()).isEmpty();
            return null;
          });
      assertThat(kit.getState().applied()).containsOnlyKeys("r1", "r2");
      assertThat(journal())
          .filteredOn(EntitlementApplied.class::isInstance)
          .extracting(e -> ((EntitlementApplied) e).assignmentId())
          .containsExactly("r1", "r2");
      applierCalls.expectNoMessage(Duration.ofMillis(300)); // r1 was never re-driven
    }

    @Test
    void aDevicesStackedReservationsAreReDrivenOneAtATimeInReservationOrder() {
      create(line(STD, 5), line(ADV, 5));
      redeem(A);
      List<Reservation> stack =
          List.of(
              onDevice("s3", ADV, "AS0001"),
              onDevice("s1", STD, "AS0001"),
              onDevice("s2", STD, "AS0001"));
      reserve(A, stack.toArray(Reservation[]::new));

      kit.restart();
      assertThat(
              applierCalls
                  .expectMessageClass(Reservation.class, Duration.ofSeconds(5))
                  .assignmentId())
          .isEqualTo("s3");
      awaitPending(2);
      applierCalls.expectNoMessage(Duration.ofMillis(200));
      for (String next : List.of("s1", "s2")) {
        kit.runCommand(new Wake());
        assertThat(applierCalls.expectMessageClass(Reservation.class).assignmentId())
            .isEqualTo(next);
        applierCalls.expectNoMessage(Duration.ofMillis(100));
      }
      awaitPending(0);
      assertThat(journal())
          .filteredOn(EntitlementApplied.class::isInstance)
          .extracting(e -> ((EntitlementApplied) e).assignmentId())
          .containsExactly("s3", "s1", "s2");
    }

    @Test
    void aPendingReservationIsReDrivenAfterRetryAfterWhenWoken() {
      create(line(STD, 3));
      redeem(A);
      reserve(A, reservation("r1", STD));
      clock.advance(RETRY_AFTER);
      kit.runCommand(new Wake());
      assertThat(applierCalls.expectMessageClass(Reservation.class).assignmentId()).isEqualTo("r1");
      awaitPending(0);
      assertThat(view().used()).containsEntry(STD, 1);
    }

    @Test
    void aWakeBeforeRetryAfterDoesNotReDrive() {
      create(line(STD, 3));
      redeem(A);
      reserve(A, reservation("r1", STD));
      clock.advance(RETRY_AFTER.minusSeconds(1));
      kit.runCommand(new Wake());
      applierCalls.expectNoMessage(Duration.ofMillis(300));
      assertThat(view().pending()).containsEntry(STD, 1);
    }

    @Test
    void aReservationWhoseDeviceDoesNotExistIsReleasedWhenReDriven() {
      create(line(STD, 3));
      redeem(A);
      reserve(A, reservation("r1", STD));
      applierOutcome.set(r -> CompletableFuture.completedFuture(false));
      clock.advance(RETRY_AFTER.plusSeconds(1));
      kit.runCommand(new Wake());
      applierCalls.expectMessageClass(Reservation.class);
      awaitPending(0);
      OrderView view = view();
      assertThat(view.available()).containsEntry(STD, 3);
      assertThat(view.used()).containsEntry(STD, 0);
      assertThat(journal())
          .filteredOn(ReservationReleased.class::isInstance)
          .singleElement()
          .satisfies(
              e -> assertThat(((ReservationReleased) e).reason()).isEqualTo("DEVICE_NOT_FOUND"));
    }

    @Test
    void aTransientApplierFailureKeepsTheReservationForTheNextAttempt() {
      create(line(STD, 3));
      redeem(A);
      reserve(A, reservation("r1", STD));
      applierOutcome.set(
          r -> CompletableFuture.failedFuture(new IllegalStateException("ask timed out")));
      clock.advance(RETRY_AFTER);
      kit.runCommand(new Wake());
      applierCalls.expectMessageClass(Reservation.class);
      applierCalls.expectNoMessage(Duration.ofMillis(200));
      assertThat(view().pending()).containsEntry(STD, 1);
      assertThat(journal())
          .noneMatch(e -> e instanceof ReservationReleased || e instanceof EntitlementApplied);

      applierOutcome.set(r -> CompletableFuture.completedFuture(true));
      clock.advance(RETRY_AFTER);
      kit.runCommand(new Wake());
      applierCalls.expectMessageClass(Reservation.class);
      awaitPending(0);
      assertThat(view().used()).containsEntry(STD, 1);
    }

    @Test
    void aReservationAppliedMeanwhileIsNotCountedTwice() {
      create(line(STD, 1));
      redeem(A);
      reserve(A, reservation("r1", STD));
      CompletableFuture<Boolean> slow = new CompletableFuture<>();
      applierOutcome.set(r -> slow);
      clock.advance(RETRY_AFTER);
      kit.runCommand(new Wake());
      applierCalls.expectMessageClass(Reservation.class);
      kit.runCommand(new Complete("r1")); // the original request finished first
      slow.complete(true);
      applierCalls.expectNoMessage(Duration.ofMillis(200));
      assertThat(journal()).filteredOn(EntitlementApplied.class::isInstance).hasSize(1);
      assertThat(view().used()).containsEntry(STD, 1);
    }
  }

  // ---------------------------------------------------------------------------------- channels

  @Test
  void onlineAndPartnerLicensesAreInterchangeable() {
    Map<String, OrderView> outcome = new HashMap<>();
    for (String channel : List.of("online", "partner")) {
      String id = "order-" + channel + "-" + UUID.randomUUID();
      var order =
          EventSourcedBehaviorTestKit.<Command, Event, State>create(
              testKit.system(),
              LicenseOrder.create(
                  id, r -> CompletableFuture.completedFuture(true), RETRY_AFTER, clock),
              EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
      order.<Reply>runCommand(
          r ->
              new Create(
                  "PO-" + channel,
                  List.of(line(ADV, 2)),
                  channel,
                  "i@example.com",
                  CODE,
                  "support",
                  r));
      order.<Reply>runCommand(r -> new Redeem(A, "alice", r));
      order.<Reply>runCommand(r -> new Reserve(A, List.of(reservation("r1", ADV)), "alice", r));
      order.runCommand(new Complete("r1"));
      outcome.put(channel, done(order.<Reply>runCommand(Get::new).reply()));
    }
    OrderView online = outcome.get("online");
    OrderView partner = outcome.get("partner");
    assertThat(partner.available()).isEqualTo(online.available());
    assertThat(partner.used()).isEqualTo(online.used());
    assertThat(partner.applied())
        .as("the same grants reach the device")
        .isEqualTo(online.applied());
  }

  // ---------------------------------------------------------------------------------- never
  // over-assigned

  @Test
  void fiftyConcurrentReservationsForTheLastEntitlementLetExactlyOneThrough() {
    String id = UUID.randomUUID().toString();
    ActorRef<Command> order =
        testKit.spawn(
            LicenseOrder.create(
                id, r -> CompletableFuture.completedFuture(true), RETRY_AFTER, clock));
    TestProbe<Reply> probe = testKit.createTestProbe();
    order.tell(
        new Create(
            "PO-9", List.of(line(STD, 3)), "online", "x@example.com", CODE, "s", probe.ref()));
    probe.expectMessageClass(Done.class);
    order.tell(new Redeem(A, "alice", probe.ref()));
    probe.expectMessageClass(Done.class);
    order.tell(
        new Reserve(
            A,
            List.of(reservation("first", STD), reservation("second", STD)),
            "alice",
            probe.ref()));
    probe.expectMessageClass(Done.class);

    IntStream.range(0, 50)
        .parallel()
        .forEach(
            i ->
                order.tell(
                    new Reserve(
                        A, List.of(reservation("last-" + i, STD)), "user-" + i, probe.ref())));
    List<Reply> replies = probe.receiveSeveralMessages(50, Duration.ofSeconds(10));
    assertThat(replies).filteredOn(Done.class::isInstance).hasSize(1);
    assertThat(replies)
        .filteredOn(Rejected.class::isInstance)
        .allSatisfy(r -> assertThat(((Rejected) r).reason()).isEqualTo(Reason.INSUFFICIENT))
        .hasSize(49);

    order.tell(new Get(probe.ref()));
    OrderView view = done(probe.receiveMessage());
    assertThat(view.available()).containsEntry(STD, 0);
    assertThat(view.pending().get(STD) + view.used().get(STD)).isEqualTo(3);
    testKit.stop(order);
  }

  @Test
  void randomReservationsCompletionsAndReleasesNeverOverAssignTheCode() {
    int quantity = 7;
    create(line(STD, quantity), line(ADV, 2));
    redeem(A);
    Random random = new Random(20250310L);
    Map<String, String> pending = new HashMap<>(); // assignment → sku, the model
    Map<String, String> used = new HashMap<>();
    Map<String, Integer> total = Map.of(STD, quantity, ADV, 2);
    int next = 0;
    for (int step = 0; step < 250; step++) {
      int op = random.nextInt(4);
      if (op <= 1) {
        List<Reservation> batch = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
          boolean retry = !pending.isEmpty() && random.nextInt(4) == 0;
          String aid = retry ? pending.keySet().iterator().next() : "x" + next++;
          String sku = retry ? pending.get(aid) : random.nextBoolean() ? STD : ADV;
          batch.add(reservation(aid, sku));
        }
        Reply reply = reserve(A, batch.toArray(Reservation[]::new)).reply();
        Map<String, Integer> wanted = new HashMap<>();
        batch.stream()
            .filter(
                r -> !pending.containsKey(r.assignmentId()) && !used.containsKey(r.assignmentId()))
            .forEach(r -> wanted.merge(r.sku(), 1, Integer::sum));
        boolean fits =
            wanted.entrySet().stream()
                .allMatch(
                    w ->
                        count(pending, w.getKey()) + count(used, w.getKey()) + w.getValue()
                            <= total.get(w.getKey()));
        assertThat(reply instanceof Done).as("step %d: %s", step, batch).isEqualTo(fits);
        if (fits)
          batch.forEach(
              r -> {
                if (!used.containsKey(r.assignmentId())) pending.put(r.assignmentId(), r.sku());
              });
      } else if (!pending.isEmpty()) {
        String aid = new ArrayList<>(pending.keySet()).get(random.nextInt(pending.size()));
        String sku = pending.remove(aid);
        if (op == 2) {
          kit.runCommand(new Complete(aid));
          used.put(aid, sku);
        } else {
          kit.runCommand(new Release(aid, "DEVICE_NOT_FOUND"));
        }
      }
      OrderView view = view();
      for (String sku : List.of(STD, ADV)) {
        assertThat(view.used().get(sku) + view.pending().get(sku))
            .isLessThanOrEqualTo(total.get(sku));
        assertThat(view.used().get(sku)).isEqualTo(count(used, sku));
        assertThat(view.pending().get(sku)).isEqualTo(count(pending, sku));
        assertThat(view.available().get(sku))
            .isEqualTo(total.get(sku) - count(used, sku) - count(pending, sku));
      }
    }
  }

  // ---------------------------------------------------------------------------------- helpers

  private static int count(Map<String, String> m, String sku) {
    return (int) m.values().stream().filter(sku::equals).count();
  }

  private static OrderLine line(String sku, int quantity) {
    return new OrderLine(sku, quantity, 0, null);
  }

  private static Reservation reservation(String assignmentId, String sku) {
    return new Reservation(
        assignmentId,
        "AS" + Math.abs(assignmentId.hashCode()),
        sku,
        List.of(new Grant(Sku.parse(sku).orElseThrow(), TermSource.LICENSE, null)));
  }

  private static Reservation onDevice(String assignmentId, String sku, String serial) {
    return new Reservation(
        assignmentId,
        serial,
        sku,
        List.of(new Grant(Sku.parse(sku).orElseThrow(), TermSource.LICENSE, null)));
  }

  private void create(OrderLine... lines) {
    var result =
        kit.<Reply>runCommand(
            r ->
                new Create(
                    "PO-1", List.of(lines), "online", "installer@example.com", CODE, "support", r));
    assertThat(result.reply()).isInstanceOf(Done.class);
  }

  private void redeem(UUID account) {
    assertThat(kit.<Reply>runCommand(r -> new Redeem(account, "alice", r)).reply())
        .isInstanceOf(Done.class);
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, State, Reply> reserve(
      UUID account, Reservation... reservations) {
    return kit.runCommand(r -> new Reserve(account, List.of(reservations), "alice", r));
  }

  private OrderView view() {
    return done(kit.<Reply>runCommand(Get::new).reply());
  }

  private void awaitPending(int expected) {
    applierCalls.awaitAssert(
        Duration.ofSeconds(5),
        () -> {
          assertThat(kit.getState().pending()).hasSize(expected);
          return null;
        });
  }

  private List<Object> journal() {
    return kit.persistenceTestKit()
        .persistedInStorage(PersistenceId.of("LicenseOrder", orderId).id());
  }

  private static OrderView done(Reply reply) {
    assertThat(reply).isInstanceOf(Done.class);
    return ((Done) reply).order();
  }

  private static Rejected rejected(Reply reply) {
    assertThat(reply).isInstanceOf(Rejected.class);
    return (Rejected) reply;
  }
}
