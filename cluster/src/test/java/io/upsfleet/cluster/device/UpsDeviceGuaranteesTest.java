package io.upsfleet.cluster.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.upsfleet.cluster.device.UpsDevice.Attach;
import io.upsfleet.cluster.device.UpsDevice.AttachReply;
import io.upsfleet.cluster.device.UpsDevice.Attachment;
import io.upsfleet.cluster.device.UpsDevice.CancelOperation;
import io.upsfleet.cluster.device.UpsDevice.CheckDeadlines;
import io.upsfleet.cluster.device.UpsDevice.Command;
import io.upsfleet.cluster.device.UpsDevice.CommandUpdated;
import io.upsfleet.cluster.device.UpsDevice.Confirmation;
import io.upsfleet.cluster.device.UpsDevice.Detach;
import io.upsfleet.cluster.device.UpsDevice.Event;
import io.upsfleet.cluster.device.UpsDevice.EventRaised;
import io.upsfleet.cluster.device.UpsDevice.GetOperations;
import io.upsfleet.cluster.device.UpsDevice.OperationAccepted;
import io.upsfleet.cluster.device.UpsDevice.OperationDelivered;
import io.upsfleet.cluster.device.UpsDevice.OperationPage;
import io.upsfleet.cluster.device.UpsDevice.OperationPublished;
import io.upsfleet.cluster.device.UpsDevice.OperationRefused;
import io.upsfleet.cluster.device.UpsDevice.OperationReply;
import io.upsfleet.cluster.device.UpsDevice.RecordOperationResult;
import io.upsfleet.cluster.device.UpsDevice.RecordTelemetry;
import io.upsfleet.cluster.device.UpsDevice.RefusalReason;
import io.upsfleet.cluster.device.UpsDevice.Register;
import io.upsfleet.cluster.device.UpsDevice.RequestOperation;
import io.upsfleet.cluster.device.UpsDevice.State;
import io.upsfleet.cluster.device.UpsDevice.StatusChanged;
import io.upsfleet.cluster.operation.CommandReport;
import io.upsfleet.cluster.operation.CommandStatus;
import io.upsfleet.cluster.operation.CommandType;
import io.upsfleet.cluster.operation.DeviceCommand;
import io.upsfleet.cluster.operation.Operation;
import io.upsfleet.cluster.plan.Grant;
import io.upsfleet.cluster.plan.Sku;
import io.upsfleet.cluster.plan.TermSource;
import io.upsfleet.cluster.testing.EntityTestConfig;
import io.upsfleet.cluster.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The guarantees of issue 10 that the device entity gives, each a test that fails without it: the
 * delivery window (nothing SENT that did not leave, every operation delivered once, in order), the
 * bound on open operations, the order of samples (an older sample changes nothing), telemetry
 * acknowledged only once stored, every unsuccessful ending in the event log, and clone detection.
 * Through the {@link EventSourcedBehaviorTestKit} (jackson-cbor verification of everything), except
 * the journal-failure test, which runs the behaviour as a plain actor on the persistence testkit's
 * journal so that a failed write can be injected.
 */
class UpsDeviceGuaranteesTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create("UpsDeviceGuaranteesTest", EntityTestConfig.testkit());

  @AfterAll
  static void shutdownTestKit() {
    testKit.shutdownTestKit();
  }

  /** reference.conf, with the values these tests rely on spelled out (no env override applies). */
  private static final DeviceSettings SETTINGS =
      DeviceSettings.fromConfig(
          ConfigFactory.parseString(
                  """
          upsfleet.devices {
            offline-grace = 2m
            idle-passivation = 10m
            trial-length = 6m
            operations.delivery-window = 8
            operations.max-open = 100
            clone-detection.take-overs = 10
            clone-detection.window = 10m
          }""")
              .withFallback(ConfigFactory.defaultReference())
              .resolve());

  private static final AtomicInteger IDS = new AtomicInteger();
  private static final String MODEL = "SMT1500C";
  private static final String ACCOUNT = "acct-guarantees";
  private static final Duration HOUR = Duration.ofHours(1);

  private final String serial = String.format("GU%08dX", IDS.incrementAndGet());
  private final TestClock clock = new TestClock(Instant.parse("2025-03-10T08:00:00Z"));
  private final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
  private final EventSourcedBehaviorTestKit<Command, Event, State> kit =
      EventSourcedBehaviorTestKit.create(
          testKit.system(),
          UpsDevice.create(serial, shard.ref(), SETTINGS, clock),
          EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));

  @Test
  void theSettingsAreTheOnesTheseTestsAssume() {
    assertThat(SETTINGS.deliveryWindow()).isEqualTo(8);
    assertThat(SETTINGS.maxOpenOperations()).isEqualTo(100);
    assertThat(SETTINGS.cloneTakeovers()).isEqualTo(10);
    assertThat(SETTINGS.cloneWindow()).isEqualTo(Duration.ofMinutes(10));
  }

  // ------------------------------------------------------------------------------ delivery window

  @Nested
  class DeliveryWindow {

    /**
     * 30 operations wait for an offline device. On connect, 8 go to the link; each is SENT only
     * when the edge reports its PUBLISH written, and each PUBACK lets exactly one more out. All 30
     * reach the device once, in the order they were requested, and nothing is ever SENT that was
     * not published.
     */
    @Test
    void thirtyOperationsGoOutEightAtATimeInOrderEachOnceAndOnlyPublishedOnesAreSent() {
      register();
      List<String> requested = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        requested.add(accepted(request(new Operation.SelfTest(), HOUR)).id());
        clock.advance(Duration.ofMillis(10));
      }
      assertThat(statuses()).containsOnly(CommandStatus.PENDING);

      TestProbe<DeviceLink.Message> link = testKit.createTestProbe();
      long epoch = attach(link);
      List<String> handed = new ArrayList<>(drain(link));
      assertThat(handed)
          .as("the window: 8 handed to the link at once")
          .containsExactlyElementsOf(requested.subList(0, 8));
      assertThat(statuses())
          .as("handing over persists nothing: none is SENT before its PUBLISH is written")
          .containsOnly(CommandStatus.PENDING);

      Set<String> published = new HashSet<>();
      int next = 0; // the oldest handed-over operation not yet published
      int acked = 0;
      while (acked < 30) {
        // The edge writes every PUBLISH it has; only these become SENT.
        for (; next < handed.size(); next++) {
          String id = handed.get(next);
          kit.runCommand(new OperationPublished(epoch, id));
          published.add(id);
          assertThat(drain(link)).as("a publish does not widen the window").isEmpty();
          assertOnlyPublishedAreSent(published);
        }
        // The device acknowledges the oldest: exactly one more is released (while any wait).
        kit.runCommand(new OperationDelivered(epoch, handed.get(acked)));
        acked++;
        List<String> released = drain(link);
        assertThat(released)
            .as("PUBACK %d releases exactly one more", acked)
            .hasSize(handed.size() < 30 ? 1 : 0);
        handed.addAll(released);
        assertThat(handed.size() - acked)
            .as("never more than the window in flight")
            .isLessThanOrEqualTo(8);
        assertOnlyPublishedAreSent(published);
      }

      assertThat(handed)
          .as("every operation delivered exactly once, in request order")
          .containsExactlyElementsOf(requested);
      assertThat(statuses()).hasSize(30).containsOnly(CommandStatus.DELIVERED);
      link.expectNoMessage(Duration.ofMillis(100));
    }

    /**
     * After a reconnect the operations SENT in the older session (maybe never received) and the
     * PENDING ones go out again through the window, with the same ids, oldest first.
     */
    @Test
    void aReconnectHandsOverTheSentAndPendingOperationsAgainThroughTheWindow() {
      register();
      List<String> requested = new ArrayList<>();
      for (int i = 0; i < 12; i++)
        requested.add(accepted(request(new Operation.SelfTest(), HOUR)).id());
      TestProbe<DeviceLink.Message> first = testKit.createTestProbe();
      long epoch = attach(first);
      List<String> handed = drain(first);
      assertThat(handed).containsExactlyElementsOf(requested.subList(0, 8));
      for (String id : handed.subList(0, 5)) kit.runCommand(new OperationPublished(epoch, id));
      kit.runCommand(new OperationDelivered(epoch, handed.get(0)));
      assertThat(drain(first)).containsExactly(requested.get(8));
      kit.runCommand(new Detach(epoch, "CLIENT_DISCONNECT"));

      TestProbe<DeviceLink.Message> second = testKit.createTestProbe();
      long epoch2 = attach(second);
      assertThat(drain(second))
          .as("SENT-but-unacknowledged and PENDING again, oldest first, 8 at most")
          .containsExactlyElementsOf(requested.subList(1, 9));
      kit.runCommand(new OperationPublished(epoch2, requested.get(1)));
      kit.runCommand(new OperationDelivered(epoch2, requested.get(1)));
      assertThat(drain(second)).containsExactly(requested.get(9));
    }

    private void assertOnlyPublishedAreSent(Set<String> published) {
      for (DeviceCommand c : commands()) {
        if (c.status() == CommandStatus.SENT || c.status() == CommandStatus.DELIVERED) {
          assertThat(published).as("%s is %s", c.id(), c.status()).contains(c.id());
        }
      }
      for (Object e : journal()) {
        if (e instanceof CommandUpdated u && u.status() == CommandStatus.SENT) {
          assertThat(published).as("journal: SENT %s", u.commandId()).contains(u.commandId());
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------ max open

  @Test
  void theHundredAndFirstOpenOperationIsRefusedTooManyAndPersistsNothing() {
    register();
    for (int i = 0; i < 100; i++) accepted(request(new Operation.SelfTest(), HOUR));
    int journalled = journal().size();

    var refused = request(new Operation.SelfTest(), HOUR);
    assertThat(refused.reply()).isInstanceOf(OperationRefused.class);
    OperationRefused r = (OperationRefused) refused.reply();
    assertThat(r.reason()).isEqualTo(RefusalReason.TOO_MANY);
    assertThat(r.message()).contains("100");
    assertThat(r.accountId()).isEqualTo(ACCOUNT);
    assertThat(refused.hasNoEvents()).isTrue();
    assertThat(journal()).hasSize(journalled);
    assertThat(page(0, 1000).total()).isEqualTo(100);

    // It bounds unfinished operations, not all ever asked: one finished makes room for one.
    String first = page(99, 1).commands().get(0).id();
    kit.<OperationReply>runCommand(r2 -> new CancelOperation(first, "ops", r2));
    accepted(request(new Operation.SelfTest(), HOUR));
    assertThat(((OperationRefused) request(new Operation.SelfTest(), HOUR).reply()).reason())
        .isEqualTo(RefusalReason.TOO_MANY);
  }

  @Test
  void operationsArePagedNewestFirstWithTheirTotal() {
    register();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 25; i++) ids.add(accepted(request(new Operation.SelfTest(), HOUR)).id());
    OperationPage second = page(10, 10);
    assertThat(second.total()).isEqualTo(25);
    assertThat(second.accountId()).isEqualTo(ACCOUNT);
    assertThat(second.commands())
        .extracting(DeviceCommand::id)
        .containsExactlyElementsOf(reversed(ids).subList(10, 20));
    assertThat(page(20, 10).commands()).hasSize(5);
  }

  // ------------------------------------------------------------------------------------- ordering

  @Nested
  class Ordering {

    /** Issue 10: seq 10 (OL, firmware 09.3) then an older seq 5 (OB, firmware 09.1). */
    @Test
    void anOlderSampleAfterANewerOneChangesNothingAndRaisesNothing() {
      register();
      long epoch = attach(testKit.createTestProbe());
      Instant t = clock.instant();
      Telemetry newer = sample(t, 10, -1, "OL", "UPS 09.3 / ID=18");
      assertThat(record(epoch, newer, false).events()).isNotEmpty();

      clock.advance(Duration.ofSeconds(1));
      Telemetry older = sample(t.minusSeconds(50), 5, -1, "OB DISCHRG", "UPS 09.1 / ID=18");
      var result = record(epoch, older, false);
      assertThat(result.reply())
          .as("still acknowledged: the device must not send it again")
          .isEqualTo(new Confirmation.Accepted());
      assertThat(result.hasNoEvents()).as("no ON_BATTERY, no FIRMWARE_UPDATED").isTrue();
      assertThat(registered().health().status()).isEqualTo(flags("OL"));
      assertThat(registered().health().firmware()).isEqualTo("UPS 09.3 / ID=18");
      DeviceSnapshot view = kit.<DeviceSnapshot>runCommand(UpsDevice.GetSnapshot::new).reply();
      assertThat(view.telemetry().seq()).as("the view keeps the newest sample").isEqualTo(10);
      assertThat(view.status()).isEqualTo(flags("OL"));
    }

    @Test
    void aDupReSendOfAnOldSampleAfterAReconnectChangesNothing() {
      register();
      long epoch = attach(testKit.createTestProbe());
      Instant t = clock.instant();
      Telemetry old = sample(t, 5, -1, "OB DISCHRG", null);
      record(epoch, old, false);
      clock.advance(Duration.ofSeconds(10));
      record(epoch, sample(clock.instant(), 6, -1, "OL", null), false);
      kit.runCommand(new Detach(epoch, "KEEP_ALIVE_TIMEOUT"));
      clock.advance(Duration.ofSeconds(30));
      long epoch2 = attach(testKit.createTestProbe());

      var resent = record(epoch2, old, true);
      assertThat(resent.reply()).isEqualTo(new Confirmation.Accepted());
      assertThat(resent.hasNoEvents()).isTrue();
      assertThat(registered().health().status()).isEqualTo(flags("OL"));

      // Not marked DUP but with an older device time: an old sample too, not a reboot.
      assertThat(record(epoch2, sample(t, 5, -1, "OB DISCHRG", null), false).hasNoEvents())
          .isTrue();
    }

    @Test
    void aRebootedUpsRestartingItsSeqInANewSessionWithALaterTimeIsAccepted() {
      register();
      long epoch = attach(testKit.createTestProbe());
      record(epoch, sample(clock.instant(), 500, -1, "OL", null), false);
      kit.runCommand(new Detach(epoch, "CLIENT_DISCONNECT"));
      clock.advance(Duration.ofMinutes(1));
      long epoch2 = attach(testKit.createTestProbe());

      var rebooted = record(epoch2, sample(clock.instant(), 1, -1, "OB DISCHRG", null), false);
      assertThat(rebooted.events())
          .as("seq 1 after a restart is news")
          .anyMatch(e -> e instanceof StatusChanged);
      assertThat(raisedTypes(rebooted.events())).contains(EventType.ON_BATTERY);
      clock.advance(Duration.ofSeconds(10));
      assertThat(record(epoch2, sample(clock.instant(), 2, -1, "OL", null), false).events())
          .as("and its next samples follow it")
          .anyMatch(e -> e instanceof StatusChanged);
    }

    @Test
    void withBootCountersTheBootOrdersBeforeTheSeq() {
      register();
      long epoch = attach(testKit.createTestProbe());
      record(epoch, sample(clock.instant(), 50, 1, "OL", null), false);

      clock.advance(Duration.ofSeconds(10));
      var booted = record(epoch, sample(clock.instant(), 1, 2, "OB DISCHRG", null), false);
      assertThat(booted.events())
          .as("boot 2 seq 1 is newer than boot 1 seq 50")
          .anyMatch(e -> e instanceof StatusChanged);

      clock.advance(Duration.ofSeconds(10));
      var stale = record(epoch, sample(clock.instant(), 60, 1, "OL", null), false);
      assertThat(stale.hasNoEvents()).as("boot 1 seq 60 is older than boot 2 seq 1").isTrue();
      assertThat(registered().health().status()).isEqualTo(flags("OB DISCHRG"));
    }
  }

  // ------------------------------------------------------------------------ acknowledged = stored

  /**
   * A sample whose status change raises an alarm is confirmed (so the edge PUBACKs it) only once
   * its events are in the journal: with the write failing, no confirmation arrives, and the re-send
   * is stored and confirmed once.
   */
  @Test
  void telemetryThatChangesStateIsConfirmedOnlyAfterItsEventsAreStored() {
    PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());
    String id = PersistenceId.of("UpsDevice", serial).id();
    ActorRef<Command> device =
        testKit.spawn(UpsDevice.create(serial, shard.ref(), SETTINGS, clock));
    TestProbe<Confirmation> confirmations = testKit.createTestProbe();
    device.tell(new Register(MODEL, ACCOUNT, confirmations.ref()));
    confirmations.expectMessage(new Confirmation.Accepted());
    TestProbe<AttachReply> attached = testKit.createTestProbe();
    TestProbe<DeviceLink.Message> link = testKit.createTestProbe();
    device.tell(new Attach("192.0.2.10:1", "node-1", link.ref(), attached.ref()));
    long epoch = attached.expectMessageClass(Attachment.class).epoch();
    device.tell(
        new RecordTelemetry(
            epoch, sample(clock.instant(), 1, -1, "OL", null), false, confirmations.ref()));
    confirmations.expectMessage(new Confirmation.Accepted());

    clock.advance(Duration.ofSeconds(5));
    Telemetry onBattery = sample(clock.instant(), 2, -1, "OB DISCHRG", null);
    journal.failNextPersisted(id);
    device.tell(new RecordTelemetry(epoch, onBattery, false, confirmations.ref()));
    confirmations.expectNoMessage(Duration.ofMillis(800));
    assertThat(journal.persistedInStorage(id))
        .noneMatch(e -> e instanceof EventRaised r && r.type() == EventType.ON_BATTERY);

    // The device got no PUBACK, so it sends the sample again (DUP); the entity restarts after the
    // failed write (with back-off, holding messages meanwhile) and stores it.
    device.tell(new RecordTelemetry(epoch, onBattery, true, confirmations.ref()));
    confirmations.expectMessage(Duration.ofSeconds(15), new Confirmation.Accepted());
    confirmations.expectNoMessage(Duration.ofMillis(100));
    assertThat(
            journal.persistedInStorage(id).stream()
                .filter(e -> e instanceof EventRaised r && r.type() == EventType.ON_BATTERY))
        .as(
            "the re-sent sample was confirmed, so its ON_BATTERY must be stored (once). MAIN BUG if"
                + " missing: UpsDeviceBehavior.telemetry sets its in-memory latestOrder before the"
                + " write, and the behaviour object outlives the restart after the failed write,"
                + " so the re-send counts as an old sample: confirmed, nothing stored, alarm lost")
        .hasSize(1);
  }

  // ------------------------------------------------------------------------ unsuccessful endings

  @Nested
  class UnsuccessfulEndingsAreLogged {

    @Test
    void failedRejectedExpiredTimedOutAndCancelledEachRaiseTheirLogEntry() {
      register();
      advanced();
      DeviceCommand expiresPending =
          accepted(request(new Operation.SelfTest(), Duration.ofMinutes(5)));
      DeviceCommand cancelled = accepted(request(new Operation.SelfTest(), HOUR));
      assertLogged(
          kit.<OperationReply>runCommand(r -> new CancelOperation(cancelled.id(), "ops", r))
              .events(),
          cancelled,
          EventType.OPERATION_CANCELLED);
      clock.advance(Duration.ofMinutes(5));
      assertLogged(checkDeadlines(), expiresPending, EventType.OPERATION_EXPIRED);

      TestProbe<DeviceLink.Message> link = testKit.createTestProbe();
      long epoch = attach(link);
      DeviceCommand failed = accepted(request(new Operation.OutletGroupReboot(1, 5, 10), HOUR));
      DeviceCommand rejected = accepted(request(new Operation.SelfTest(), HOUR));
      DeviceCommand timesOut = accepted(request(new Operation.SelfTest(), HOUR));
      DeviceCommand expiresSent =
          accepted(request(new Operation.SelfTest(), Duration.ofMinutes(30)));
      for (DeviceCommand c : List.of(failed, rejected, timesOut, expiresSent)) {
        kit.runCommand(new OperationPublished(epoch, c.id()));
      }
      for (DeviceCommand c : List.of(failed, rejected, timesOut)) {
        kit.runCommand(new OperationDelivered(epoch, c.id()));
      }
      assertLogged(
          report(epoch, failed.id(), CommandReport.Status.FAILED, "relay stuck").events(),
          failed,
          EventType.OPERATION_FAILED);
      assertLogged(
          report(epoch, rejected.id(), CommandReport.Status.REJECTED, "battery charging").events(),
          rejected,
          EventType.OPERATION_FAILED);

      clock.advance(CommandType.SELF_TEST.executionTimeout());
      assertLogged(checkDeadlines(), timesOut, EventType.OPERATION_TIMED_OUT);
      clock.advance(Duration.ofMinutes(30));
      assertLogged(checkDeadlines(), expiresSent, EventType.OPERATION_EXPIRED);

      for (DeviceCommand c :
          List.of(expiresPending, cancelled, failed, rejected, timesOut, expiresSent)) {
        assertThat(
                journal().stream()
                    .filter(
                        e ->
                            e instanceof EventRaised r
                                && r.type().name().startsWith("OPERATION_")
                                && c.id().equals(r.details().get("command"))))
            .as("exactly one log entry for the ending of %s", c.id())
            .hasSize(1);
      }
    }

    /**
     * MAIN GAP (see report): an upgrade that comes back from its reboot with another version ends
     * FAILED (interrupted) in TelemetryFacts, which raises FIRMWARE_FAILED but not the
     * OPERATION_FAILED every other unsuccessful ending raises.
     */
    @Test
    void anInterruptedFirmwareUpgradeAlsoRaisesOperationFailed() {
      register();
      long epoch = attach(testKit.createTestProbe());
      record(epoch, sample(clock.instant(), 1, -1, "OL", "UPS 09.2 / ID=18"), false);
      DeviceCommand upgrade = accepted(request(new Operation.FirmwareUpgrade(null, false), HOUR));
      kit.runCommand(new OperationPublished(epoch, upgrade.id()));
      kit.runCommand(new OperationDelivered(epoch, upgrade.id()));
      report(epoch, upgrade.id(), CommandReport.Status.IN_PROGRESS, null, "rebooting");
      kit.runCommand(new Detach(epoch, "CONNECTION_LOST"));
      clock.advance(Duration.ofMinutes(3));
      long epoch2 = attach(testKit.createTestProbe());
      var back = record(epoch2, sample(clock.instant(), 2, -1, "OL", "UPS 09.2 / ID=18"), false);
      assertThat(registered().operations().find(upgrade.id()).orElseThrow().status())
          .isEqualTo(CommandStatus.FAILED);
      assertThat(raisedTypes(back.events()))
          .as(
              "an interrupted upgrade ends FAILED: its log entry OPERATION_FAILED is missing"
                  + " (TelemetryFacts.firmwareFacts raises only FIRMWARE_FAILED)")
          .contains(EventType.FIRMWARE_FAILED, EventType.OPERATION_FAILED);
    }

    private void assertLogged(List<Event> events, DeviceCommand cmd, EventType type) {
      assertThat(events)
          .as("%s of %s in %s", type, cmd.id(), events)
          .anyMatch(
              e ->
                  e instanceof EventRaised r
                      && r.type() == type
                      && cmd.id().equals(r.details().get("command"))
                      && cmd.type().name().equals(r.details().get("operation"))
                      && r.details().get("reason") != null);
    }
  }

  // ----------------------------------------------------------------------------- clone detection

  @Test
  void tenTakeOversWithinTheWindowRaiseDeviceClonedOncePerWindow() {
    register();
    attach(testKit.createTestProbe());
    for (int i = 1; i <= 9; i++) {
      clock.advance(Duration.ofSeconds(20));
      assertThat(raisedTypes(attachEvents()))
          .as("take-over %d", i)
          .doesNotContain(EventType.DEVICE_CLONED);
    }
    clock.advance(Duration.ofSeconds(20));
    List<Event> tenth = attachEvents();
    assertThat(raisedTypes(tenth)).as("the 10th take-over").contains(EventType.DEVICE_CLONED);
    EventRaised cloned =
        tenth.stream()
            .filter(e -> e instanceof EventRaised r && r.type() == EventType.DEVICE_CLONED)
            .map(EventRaised.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(cloned.details()).containsEntry("takeovers", "10");
    for (int i = 0; i < 20; i++) {
      clock.advance(Duration.ofSeconds(20));
      attachEvents();
    }
    assertThat(countRaised(EventType.DEVICE_CLONED)).as("once within the window").isEqualTo(1);

    clock.advance(Duration.ofMinutes(11)); // a new window
    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofSeconds(20));
      attachEvents();
    }
    assertThat(countRaised(EventType.DEVICE_CLONED)).as("again in a later window").isEqualTo(2);
  }

  @Test
  void takeOversSpreadWiderThanTheWindowAreNoClone() {
    register();
    attach(testKit.createTestProbe());
    for (int i = 0; i < 30; i++) {
      clock.advance(Duration.ofMinutes(2)); // 5 per 10 minutes
      attachEvents();
    }
    assertThat(countRaised(EventType.DEVICE_CLONED)).isZero();
  }

  // -------------------------------------------------------------------------------------- helpers

  private void register() {
    var result = kit.<Confirmation>runCommand(r -> new Register(MODEL, ACCOUNT, r));
    assertThat(result.reply()).isEqualTo(new Confirmation.Accepted());
  }

  private void advanced() {
    Grant grant =
        new Grant(Sku.parse("SMARTCONNECT-ADVANCED-1Y").orElseThrow(), TermSource.LICENSE, null);
    kit.<UpsDevice.PlanReply>runCommand(
        r -> new UpsDevice.ApplyEntitlements("asg-" + serial, List.of(grant), "support", r));
  }

  /**
   * Runs {@code CheckDeadlines}; its events. A check that persisted something tells itself another
   * check (another deadline may be due too), and the test kit answers before that one ran: the
   * second {@code getState} queues behind it, so that the follow-up sees this clock, not the one a
   * later {@code clock.advance} sets (else it, not the test's next check, raises the next ending).
   */
  private List<Event> checkDeadlines() {
    List<Event> events = kit.runCommand(new CheckDeadlines()).events();
    kit.getState();
    return events;
  }

  private long attach(TestProbe<DeviceLink.Message> link) {
    var result =
        kit.<AttachReply>runCommand(r -> new Attach("192.0.2.10:51234", "node-1", link.ref(), r));
    return ((Attachment) result.reply()).epoch();
  }

  /** Attaches from a new connection (a take-over when one is open); its events. */
  private List<Event> attachEvents() {
    TestProbe<DeviceLink.Message> link = testKit.createTestProbe();
    return kit.<AttachReply>runCommand(
            r -> new Attach("198.51.100.7:40000", "node-1", link.ref(), r))
        .events();
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, State, OperationReply>
      request(Operation op, Duration ttl) {
    return kit.runCommand(r -> new RequestOperation(op, ttl, "alice", null, r));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, State, Confirmation>
      report(long epoch, String id, CommandReport.Status status, String reason) {
    return report(epoch, id, status, reason, null);
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, State, Confirmation>
      report(long epoch, String id, CommandReport.Status status, String reason, String phase) {
    Instant now = clock.instant();
    CommandReport r = new CommandReport(id, status, phase, -1, reason, null, now, now);
    return kit.runCommand(replyTo -> new RecordOperationResult(epoch, r, replyTo));
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, State, Confirmation>
      record(long epoch, Telemetry t, boolean dup) {
    return kit.runCommand(r -> new RecordTelemetry(epoch, t, dup, r));
  }

  private static DeviceCommand accepted(
      EventSourcedBehaviorTestKit.CommandResultWithReply<Command, Event, State, OperationReply>
          result) {
    assertThat(result.reply()).isInstanceOf(OperationAccepted.class);
    return ((OperationAccepted) result.reply()).command();
  }

  private OperationPage page(int offset, int limit) {
    return (OperationPage)
        kit.<OperationReply>runCommand(r -> new GetOperations(offset, limit, r)).reply();
  }

  /** Every operation, oldest first. */
  private List<DeviceCommand> commands() {
    return reversed(page(0, 1000).commands());
  }

  private List<CommandStatus> statuses() {
    return commands().stream().map(DeviceCommand::status).collect(Collectors.toList());
  }

  /** The ids of the operations the link has been handed since the last drain, in order. */
  private static List<String> drain(TestProbe<DeviceLink.Message> link) {
    List<String> ids = new ArrayList<>();
    // The entity tells its link before it answers the testkit, so what was sent is already here.
    while (true) {
      List<DeviceLink.Message> got;
      try {
        got = link.receiveSeveralMessages(1, Duration.ofMillis(30));
      } catch (AssertionError none) {
        return ids;
      }
      ids.add(((DeviceLink.Deliver) got.get(0)).command().id());
    }
  }

  private static <T> List<T> reversed(List<T> list) {
    List<T> r = new ArrayList<>(list);
    Collections.reverse(r);
    return r;
  }

  private RegisteredDevice registered() {
    return (RegisteredDevice) kit.getState();
  }

  private Telemetry sample(
      Instant deviceTime, long seq, long boot, String status, String firmware) {
    TreeMap<String, String> texts = new TreeMap<>();
    if (firmware != null) texts.put("ups.firmware", firmware);
    return new Telemetry(
        deviceTime, clock.instant(), seq, flags(status), new TreeMap<>(), texts, false, boot);
  }

  private static Set<StatusFlag> flags(String status) {
    Set<StatusFlag> flags = EnumSet.noneOf(StatusFlag.class);
    for (String token : status.split(" ")) flags.add(StatusFlag.fromToken(token).orElseThrow());
    return flags;
  }

  private static List<EventType> raisedTypes(List<Event> events) {
    return events.stream()
        .filter(EventRaised.class::isInstance)
        .map(e -> ((EventRaised) e).type())
        .collect(Collectors.toList());
  }

  private List<Object> journal() {
    return kit.persistenceTestKit().persistedInStorage(PersistenceId.of("UpsDevice", serial).id());
  }

  private long countRaised(EventType type) {
    return journal().stream().filter(e -> e instanceof EventRaised r && r.type() == type).count();
  }
}
