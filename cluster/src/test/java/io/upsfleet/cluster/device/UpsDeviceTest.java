package io.upsfleet.cluster.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.upsfleet.cluster.device.UpsDevice.Attach;
import io.upsfleet.cluster.device.UpsDevice.AttachReply;
import io.upsfleet.cluster.device.UpsDevice.Attachment;
import io.upsfleet.cluster.device.UpsDevice.Command;
import io.upsfleet.cluster.device.UpsDevice.Confirmation;
import io.upsfleet.cluster.device.UpsDevice.Connected;
import io.upsfleet.cluster.device.UpsDevice.ConnectionLost;
import io.upsfleet.cluster.device.UpsDevice.Detach;
import io.upsfleet.cluster.device.UpsDevice.Disconnected;
import io.upsfleet.cluster.device.UpsDevice.Event;
import io.upsfleet.cluster.device.UpsDevice.EventRaised;
import io.upsfleet.cluster.device.UpsDevice.FirmwareChanged;
import io.upsfleet.cluster.device.UpsDevice.GetSnapshot;
import io.upsfleet.cluster.device.UpsDevice.RecordEvent;
import io.upsfleet.cluster.device.UpsDevice.RecordTelemetry;
import io.upsfleet.cluster.device.UpsDevice.Register;
import io.upsfleet.cluster.device.UpsDevice.Registered;
import io.upsfleet.cluster.device.UpsDevice.State;
import io.upsfleet.cluster.device.UpsDevice.StatusChanged;
import io.upsfleet.cluster.device.UpsDevice.TemperatureAlarmChanged;
import io.upsfleet.cluster.device.UpsDevice.Wake;
import io.upsfleet.cluster.plan.Plan;
import io.upsfleet.cluster.plan.PlanStatus;
import io.upsfleet.cluster.testing.EntityTestConfig;
import io.upsfleet.cluster.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Drives {@link UpsDevice} through its real seam, the {@link EventSourcedBehaviorTestKit}, with an
 * in-memory journal. Every command, event, reply and state the kit sees is round-tripped through
 * the jackson-cbor binding of {@code upsfleet-cluster.conf} and compared for equality. Time is a
 * {@link TestClock}, so offline grace and trial expiry are tested without waiting.
 */
class UpsDeviceTest {

  static Config testConfig() {
    return EntityTestConfig.testkit();
  }

  private static final ActorTestKit testKit = ActorTestKit.create("UpsDeviceTest", testConfig());

  @AfterAll
  static void shutdownTestKit() {
    testKit.shutdownTestKit();
  }

  /**
   * reference.conf's {@code upsfleet.devices}, with the values these tests rely on spelled out so
   * that an environment override ({@code UPSFLEET_OFFLINE_GRACE}) cannot change them.
   */
  private static final DeviceSettings SETTINGS =
      DeviceSettings.fromConfig(
          ConfigFactory.parseString(
                  """
          upsfleet.devices {
            offline-grace = 2m
            idle-passivation = 10m
            trial-length = 6m
            temperature-high = 50
            temperature-clear = 45
          }""")
              .withFallback(ConfigFactory.defaultReference())
              .resolve());

  private static final AtomicInteger IDS = new AtomicInteger();
  private static final String MODEL = "SMT1500RMI2UC";
  private static final String ACCOUNT = "acct-42";

  private final String serial = String.format("AS%08dX", IDS.incrementAndGet());
  private final TestClock clock = new TestClock(Instant.parse("2025-03-10T08:00:00Z"));
  private final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
  private final EventSourcedBehaviorTestKit<Command, Event, State> kit =
      EventSourcedBehaviorTestKit.create(
          testKit.system(),
          UpsDevice.create(serial, shard.ref(), SETTINGS, clock),
          EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  private long seq;
  private Telemetry lastSample;

  // ---------------------------------------------------------------------------------- the test
  // system

  @Test
  void theSettingsAreTheOnesTheseTestsAssume() {
    assertEquals(Duration.ofMinutes(2), SETTINGS.offlineGrace());
    assertEquals(Duration.ofMinutes(10), SETTINGS.idlePassivation());
    assertEquals(Period.ofMonths(6), SETTINGS.trialLength());
    assertEquals(50.0, SETTINGS.temperatureHigh());
    assertEquals(45.0, SETTINGS.temperatureClear());
  }

  @Test
  void testSystemVerifiesEveryMessageWithJacksonCbor() {
    var serialization = SerializationExtension.get(testKit.system().classicSystem());
    assertInstanceOf(JacksonCborSerializer.class, serialization.findSerializerFor(new Wake()));
    assertInstanceOf(
        JacksonCborSerializer.class,
        serialization.findSerializerFor(new UpsDevice.CheckDeadlines()));
    assertInstanceOf(
        JacksonCborSerializer.class, serialization.findSerializerFor(new EmptyDevice(serial)));
    // Without the binding nothing else would serialize: Java serialization is not a silent
    // fallback.
    assertFalse(
        testKit.system().settings().config().getBoolean("pekko.actor.allow-java-serialization"));
    record NotBound(String value) {}
    assertThrows(
        Throwable.class,
        () ->
            new SerializationTestKit(testKit.system())
                .verifySerialization(new NotBound("x"), true));
  }

  // ---------------------------------------------------------------------------------- registration

  @Test
  void registrationPersistsRegisteredAndASecondRegistrationIsRefused() {
    Instant now = clock.instant();
    var first = kit.<Confirmation>runCommand(r -> new Register(MODEL, ACCOUNT, r));
    assertEquals(new Confirmation.Accepted(), first.reply());
    // Registered comes first; plan bookkeeping events may follow it.
    assertEquals(1, first.events().stream().filter(Registered.class::isInstance).count());
    Registered registered = assertInstanceOf(Registered.class, first.event());
    assertEquals(serial, registered.serial());
    assertEquals(MODEL, registered.model());
    assertEquals(ACCOUNT, registered.accountId());
    assertEquals(now, registered.at());
    assertEquals(now, reg(first.state()).registeredAt());
    assertEquals(MODEL, reg(first.state()).model());
    assertEquals(ACCOUNT, reg(first.state()).accountId());

    clock.advance(Duration.ofMinutes(1));
    var second = kit.<Confirmation>runCommand(r -> new Register("OTHER", "acct-other", r));
    Confirmation.Rejected rejected = assertInstanceOf(Confirmation.Rejected.class, second.reply());
    assertEquals(Confirmation.Reason.ALREADY_REGISTERED, rejected.reason());
    assertTrue(second.hasNoEvents());
    assertEquals(first.state(), second.state());
  }

  @Test
  void attachOfAnUnregisteredDeviceIsRefusedNotRegistered() {
    TestProbe<DeviceLink.Message> link = testKit.createTestProbe();
    var result =
        kit.<AttachReply>runCommand(r -> new Attach("10.0.0.7:50000", "node-1", link.ref(), r));
    Confirmation.Rejected rejected = assertInstanceOf(Confirmation.Rejected.class, result.reply());
    assertEquals(Confirmation.Reason.NOT_REGISTERED, rejected.reason());
    assertTrue(result.hasNoEvents());
    assertEquals(new EmptyDevice(serial), result.state());
  }

  // ---------------------------------------------------------------------------------- sessions

  @Test
  void attachOpensEpochOneWithConnected() {
    register();
    TestProbe<DeviceLink.Message> link = testKit.createTestProbe();
    Instant now = clock.instant();
    var result =
        kit.<AttachReply>runCommand(r -> new Attach("10.0.0.7:50000", "node-1", link.ref(), r));
    assertEquals(new Attachment(1), result.reply());
    assertEquals(
        List.of(
            new Connected(
                1,
                "10.0.0.7:50000",
                "node-1",
                ActorRefResolver.get(testKit.system()).toSerializationFormat(link.ref()),
                now)),
        result.events());
    RegisteredDevice s = reg(result.state());
    assertTrue(s.session().online());
    assertEquals(1, s.session().epoch());
    assertEquals(
        link.ref(), ActorRefResolver.get(testKit.system()).resolveActorRef(s.session().link()));
    assertEquals(now, s.session().connectedSince());
    assertNull(s.session().offlineDeadline());
  }

  @Test
  void aSecondAttachTakesOverClosesTheOldLinkAndOpensEpochTwo() {
    register();
    TestProbe<DeviceLink.Message> oldLink = testKit.createTestProbe();
    TestProbe<DeviceLink.Message> newLink = testKit.createTestProbe();
    attach(oldLink);
    clock.advance(Duration.ofSeconds(30));
    Instant now = clock.instant();

    var result =
        kit.<AttachReply>runCommand(r -> new Attach("10.0.0.8:50001", "node-2", newLink.ref(), r));

    assertEquals(new Attachment(2), result.reply());
    assertEquals(
        List.of(
            new Disconnected(1, DeviceLink.TAKEN_OVER, now.plus(SETTINGS.offlineGrace()), now),
            new Connected(
                2,
                "10.0.0.8:50001",
                "node-2",
                ActorRefResolver.get(testKit.system()).toSerializationFormat(newLink.ref()),
                now)),
        result.events());
    oldLink.expectMessage(new DeviceLink.Close("TAKEN_OVER"));
    newLink.expectNoMessage(Duration.ofMillis(100));
    RegisteredDevice s = reg(result.state());
    assertTrue(s.session().online());
    assertEquals(2, s.session().epoch());
    assertEquals(
        newLink.ref(), ActorRefResolver.get(testKit.system()).resolveActorRef(s.session().link()));
    assertNull(s.session().offlineDeadline(), "a takeover leaves no offline deadline behind");
  }

  @Test
  void anAttachPastItsDeadlineIsRefusedAndDoesNotTakeOverTheCurrentSession() {
    register();
    TestProbe<DeviceLink.Message> current = testKit.createTestProbe();
    attach(current);
    TestProbe<DeviceLink.Message> late = testKit.createTestProbe();
    Instant deadline = clock.instant();
    clock.advance(
        Duration.ofSeconds(6)); // held up while its shard moved: the edge gave up at the deadline

    var result =
        kit.<AttachReply>runCommand(
            r -> new Attach("10.0.0.8:50001", "node-2", late.ref(), deadline, r));

    Confirmation.Rejected rejected = assertInstanceOf(Confirmation.Rejected.class, result.reply());
    assertEquals(Confirmation.Reason.STALE_SESSION, rejected.reason());
    assertTrue(result.hasNoEvents());
    assertEquals(1, reg(result.state()).session().epoch());
    assertTrue(reg(result.state()).session().online());
    current.expectNoMessage(Duration.ofMillis(100));
    late.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void anAttachWithinItsDeadlineOpensTheSession() {
    register();
    TestProbe<DeviceLink.Message> link = testKit.createTestProbe();
    Instant deadline = clock.instant().plusSeconds(5);
    var result =
        kit.<AttachReply>runCommand(
            r -> new Attach("10.0.0.7:50000", "node-1", link.ref(), deadline, r));
    assertEquals(new Attachment(1), result.reply());
  }

  @Test
  void aLateDetachOrLinkStopOfAnOlderEpochIsIgnored() {
    register();
    attach(testKit.createTestProbe());
    TestProbe<DeviceLink.Message> current = testKit.createTestProbe();
    assertEquals(2, attach(current));
    RegisteredDevice before = registered();

    var detach = kit.runCommand(new Detach(1, "CLIENT_DISCONNECT"));
    assertTrue(detach.hasNoEvents());
    assertEquals(before, detach.state());

    var linkStopped = kit.runCommand(new UpsDevice.LinkTerminated(1));
    assertTrue(linkStopped.hasNoEvents());
    assertEquals(before, linkStopped.state());
  }

  @Test
  void theCurrentLinkStoppingDisconnectsTheSession() {
    register();
    TestProbe<DeviceLink.Message> link = testKit.createTestProbe();
    attach(link);
    Instant now = clock.instant();

    link.stop(); // the entity watches its link
    shard.awaitAssert(
        Duration.ofSeconds(5),
        () -> {
          assertFalse(registered().session().online());
          return null;
        });
    RegisteredDevice s = registered();
    assertEquals(1, s.session().epoch());
    assertEquals(now.plus(SETTINGS.offlineGrace()), s.session().offlineDeadline());
    List<Object> journal = journal();
    Disconnected last = assertInstanceOf(Disconnected.class, journal.get(journal.size() - 1));
    assertEquals(new Disconnected(1, "LINK_STOPPED", now.plus(SETTINGS.offlineGrace()), now), last);
  }

  // ---------------------------------------------------------------------------------- telemetry

  @Test
  void telemetryOfAStaleOrClosedSessionIsIgnored() {
    register();
    attach(testKit.createTestProbe());
    attach(testKit.createTestProbe());

    var stale = kit.runCommand(new RecordTelemetry(1, sample("OB DISCHRG")));
    assertTrue(stale.hasNoEvents());
    assertEquals(Set.of(), reg(stale.state()).health().status());

    kit.runCommand(new Detach(2, "CLIENT_DISCONNECT"));
    var afterDetach = kit.runCommand(new RecordTelemetry(2, sample("OB DISCHRG")));
    assertTrue(afterDetach.hasNoEvents());
  }

  @Test
  void onBatteryThenBackOnLineRaisesOnBatteryAndPowerRestored() {
    register();
    long epoch = attach(testKit.createTestProbe());
    Instant t0 = clock.instant();
    var online = kit.runCommand(new RecordTelemetry(epoch, sample("OL")));
    assertEquals(
        List.of(new StatusChanged(Set.of(), flags("OL"), t0, order(epoch))), online.events());

    clock.advance(Duration.ofSeconds(30));
    Instant t1 = clock.instant();
    var onBattery = kit.runCommand(new RecordTelemetry(epoch, sample("OB DISCHRG")));
    assertEquals(
        List.of(
            new StatusChanged(flags("OL"), flags("OB DISCHRG"), t1, order(epoch)),
            alarm(EventType.ON_BATTERY, Severity.WARNING, null, t1)),
        onBattery.events());
    assertEquals(flags("OB DISCHRG"), reg(onBattery.state()).health().status());

    clock.advance(Duration.ofSeconds(30));
    Instant t2 = clock.instant();
    var restored = kit.runCommand(new RecordTelemetry(epoch, sample("OL")));
    assertEquals(
        List.of(
            new StatusChanged(flags("OB DISCHRG"), flags("OL"), t2, order(epoch)),
            alarm(EventType.POWER_RESTORED, Severity.INFO, null, t2)),
        restored.events());
  }

  @Test
  void lowBatteryRaisesLowBattery() {
    register();
    long epoch = attach(testKit.createTestProbe());
    kit.runCommand(new RecordTelemetry(epoch, sample("OB DISCHRG")));
    Instant now = clock.instant();
    var low = kit.runCommand(new RecordTelemetry(epoch, sample("OB DISCHRG LB")));
    assertEquals(
        List.of(
            new StatusChanged(flags("OB DISCHRG"), flags("OB DISCHRG LB"), now, order(epoch)),
            alarm(EventType.LOW_BATTERY, Severity.CRITICAL, null, now)),
        low.events());
  }

  @Test
  void replaceBatteryRaisesBatteryReplace() {
    register();
    long epoch = attach(testKit.createTestProbe());
    kit.runCommand(new RecordTelemetry(epoch, sample("OL CHRG")));
    Instant now = clock.instant();
    var rb = kit.runCommand(new RecordTelemetry(epoch, sample("OL CHRG RB")));
    assertEquals(List.of(EventType.BATTERY_REPLACE), raisedTypes(rb.events()));
    assertEquals(alarm(EventType.BATTERY_REPLACE, Severity.WARNING, null, now), rb.events().get(1));
  }

  @Test
  void overloadIsRaisedAndCleared() {
    register();
    long epoch = attach(testKit.createTestProbe());
    kit.runCommand(new RecordTelemetry(epoch, sample("OL")));
    Instant t1 = clock.instant();
    var over = kit.runCommand(new RecordTelemetry(epoch, sample("OL OVER")));
    assertEquals(
        List.of(
            new StatusChanged(flags("OL"), flags("OL OVER"), t1, order(epoch)),
            alarm(EventType.OVERLOAD, Severity.CRITICAL, null, t1)),
        over.events());

    clock.advance(Duration.ofSeconds(15));
    Instant t2 = clock.instant();
    var cleared = kit.runCommand(new RecordTelemetry(epoch, sample("OL")));
    assertEquals(
        List.of(
            new StatusChanged(flags("OL OVER"), flags("OL"), t2, order(epoch)),
            alarm(EventType.OVERLOAD_CLEARED, Severity.INFO, null, t2)),
        cleared.events());
  }

  @Test
  void anAlarmDuringASelfTestIsMarkedSelfTest() {
    register();
    long epoch = attach(testKit.createTestProbe());
    kit.runCommand(new RecordTelemetry(epoch, sample("OL")));
    var testing = kit.runCommand(new RecordTelemetry(epoch, sample("OL TEST")));
    assertEquals(List.of(), raisedTypes(testing.events()));

    Instant now = clock.instant();
    var onBattery = kit.runCommand(new RecordTelemetry(epoch, sample("OB DISCHRG TEST")));
    assertEquals(
        alarm(EventType.ON_BATTERY, Severity.WARNING, "SELF_TEST", now), onBattery.events().get(1));
  }

  @Test
  void anAlarmDuringACalibrationIsMarkedCalibration() {
    register();
    long epoch = attach(testKit.createTestProbe());
    kit.runCommand(new RecordTelemetry(epoch, sample("OL CAL")));
    Instant t1 = clock.instant();
    var onBattery = kit.runCommand(new RecordTelemetry(epoch, sample("OB DISCHRG CAL")));
    assertEquals(
        alarm(EventType.ON_BATTERY, Severity.WARNING, "CALIBRATION", t1),
        onBattery.events().get(1));

    var low = kit.runCommand(new RecordTelemetry(epoch, sample("OB DISCHRG CAL LB")));
    assertEquals(
        alarm(EventType.LOW_BATTERY, Severity.CRITICAL, "CALIBRATION", t1), low.events().get(1));
  }

  @Test
  void identicalRepeatedSamplesPersistNothing() {
    register();
    long epoch = attach(testKit.createTestProbe());
    Map<String, Double> numbers =
        Map.of("battery.charge", 100.0, "battery.temperature", 30.0, "ups.load", 23.0);
    Map<String, String> texts = Map.of("ups.firmware", "UPS 15.0 (ID18)");
    Telemetry first = sample("OL CHRG", numbers, texts);
    var initial = kit.runCommand(new RecordTelemetry(epoch, first));
    assertEquals(2, initial.events().size(), "status and first firmware: " + initial.events());

    var same = kit.runCommand(new RecordTelemetry(epoch, first));
    assertTrue(same.hasNoEvents());
    clock.advance(Duration.ofSeconds(30));
    var later = kit.runCommand(new RecordTelemetry(epoch, sample("OL CHRG", numbers, texts)));
    assertTrue(later.hasNoEvents());
    assertEquals(initial.state(), later.state());
  }

  @Test
  void temperatureAboveTheLimitRaisesTemperatureHighOnceAndClearsOnlyBelowTheClearLimit() {
    register();
    long epoch = attach(testKit.createTestProbe());
    kit.runCommand(new RecordTelemetry(epoch, sample("OL")));

    assertTrue(temperature(epoch, 49.0).isEmpty());
    assertTrue(temperature(epoch, 50.0).isEmpty(), "the limit itself is not above it");

    Instant t1 = clock.instant();
    List<Event> hot = temperature(epoch, 51.5);
    assertEquals(
        List.of(
            new TemperatureAlarmChanged(true, 51.5, t1, order(epoch)),
            alarm(
                EventType.TEMPERATURE_HIGH,
                Severity.CRITICAL,
                null,
                t1,
                Map.of("temperature", "51.5"))),
        hot);
    assertTrue(registered().health().temperatureHigh());

    assertTrue(temperature(epoch, 55.0).isEmpty(), "raised once");
    assertTrue(temperature(epoch, 47.0).isEmpty(), "hysteresis: still above the clear limit");
    assertTrue(temperature(epoch, 45.0).isEmpty(), "the clear limit itself is not below it");
    assertTrue(registered().health().temperatureHigh());

    Instant t2 = clock.instant();
    List<Event> cooled = temperature(epoch, 44.5);
    assertEquals(List.of(new TemperatureAlarmChanged(false, 44.5, t2, order(epoch))), cooled);
    assertFalse(registered().health().temperatureHigh());

    assertEquals(
        List.of(EventType.TEMPERATURE_HIGH), raisedTypes(temperature(epoch, 52.0)), "raised again");
  }

  @Test
  void upsTemperatureIsUsedWhenBatteryTemperatureIsMissing() {
    register();
    long epoch = attach(testKit.createTestProbe());
    var hot =
        kit.runCommand(
            new RecordTelemetry(epoch, sample("OL", Map.of("ups.temperature", 60.0), Map.of())));
    assertEquals(List.of(EventType.TEMPERATURE_HIGH), raisedTypes(hot.events()));
  }

  @Test
  void theFirstFirmwareReportIsRecordedWithoutFirmwareUpdatedAndALaterChangeRaisesIt() {
    register();
    long epoch = attach(testKit.createTestProbe());
    Instant t0 = clock.instant();
    var first =
        kit.runCommand(
            new RecordTelemetry(epoch, sample("", Map.of(), Map.of("ups.firmware", "UPS 15.0"))));
    assertEquals(List.of(new FirmwareChanged(null, "UPS 15.0", t0, order(epoch))), first.events());
    assertEquals("UPS 15.0", reg(first.state()).health().firmware());

    assertTrue(
        kit.runCommand(
                new RecordTelemetry(
                    epoch, sample("", Map.of(), Map.of("ups.firmware", "UPS 15.0"))))
            .hasNoEvents());

    clock.advance(Duration.ofHours(1));
    Instant t1 = clock.instant();
    var updated =
        kit.runCommand(
            new RecordTelemetry(epoch, sample("", Map.of(), Map.of("ups.firmware", "UPS 15.5"))));
    assertEquals(
        List.of(
            new FirmwareChanged("UPS 15.0", "UPS 15.5", t1, order(epoch)),
            alarm(
                EventType.FIRMWARE_UPDATED,
                Severity.INFO,
                null,
                t1,
                Map.of("from", "UPS 15.0", "to", "UPS 15.5"))),
        updated.events());
    assertEquals("UPS 15.5", reg(updated.state()).health().firmware());
  }

  @Test
  void theSnapshotShowsTheLatestSampleAndWhenTheDeviceWasLastSeen() {
    register();
    long epoch = attach(testKit.createTestProbe());
    Telemetry t =
        sample("OL CHRG", Map.of("battery.charge", 87.0), Map.of("ups.firmware", "UPS 15.0"));
    kit.runCommand(new RecordTelemetry(epoch, t));
    DeviceSnapshot snapshot = snapshot();
    assertEquals(t, snapshot.telemetry());
    assertEquals(t.receivedAt(), snapshot.lastSeen());
    assertEquals(flags("OL CHRG"), snapshot.status());
    assertTrue(snapshot.online());
    assertEquals("UPS 15.0", snapshot.firmware());
  }

  // ---------------------------------------------------------------------------------- device
  // events

  @Test
  void aDeviceEventIsPersistedAndAcceptedAndAReSendIsAcknowledgedWithoutASecondEvent() {
    register();
    long epoch = attach(testKit.createTestProbe());
    Instant deviceTime = Instant.parse("2025-03-10T07:59:58.250Z");
    DeviceEventReport report =
        report(deviceTime, 7, EventType.SELF_TEST_PASSED, Map.of("result", "passed"));

    var first = kit.<Confirmation>runCommand(r -> new RecordEvent(epoch, report, r));
    assertEquals(new Confirmation.Accepted(), first.reply());
    assertEquals(
        List.of(
            new EventRaised(
                EventType.SELF_TEST_PASSED,
                Severity.INFO,
                null,
                deviceTime,
                7,
                new TreeMap<>(Map.of("result", "passed")),
                true,
                report.receivedAt())),
        first.events());

    clock.advance(Duration.ofSeconds(5));
    DeviceEventReport resent =
        report(deviceTime, 7, EventType.SELF_TEST_PASSED, Map.of("result", "passed"));
    var second = kit.<Confirmation>runCommand(r -> new RecordEvent(epoch, resent, r));
    assertEquals(new Confirmation.Accepted(), second.reply());
    assertTrue(second.hasNoEvents());

    // Same counter but another type or time is another event.
    var other =
        kit.<Confirmation>runCommand(
            r ->
                new RecordEvent(
                    epoch, report(deviceTime, 7, EventType.BATTERY_REPLACE, Map.of()), r));
    assertEquals(new Confirmation.Accepted(), other.reply());
    assertEquals(List.of(EventType.BATTERY_REPLACE), raisedTypes(other.events()));
  }

  @Test
  void aReSendAfterReconnectAndRestartIsStillRecognised() {
    register();
    long epoch = attach(testKit.createTestProbe());
    Instant deviceTime = Instant.parse("2025-03-10T07:59:58Z");
    kit.<Confirmation>runCommand(
        r -> new RecordEvent(epoch, report(deviceTime, 3, EventType.FIRMWARE_FAILED, Map.of()), r));
    kit.restart();
    long next = attach(testKit.createTestProbe());

    var resent =
        kit.<Confirmation>runCommand(
            r ->
                new RecordEvent(
                    next, report(deviceTime, 3, EventType.FIRMWARE_FAILED, Map.of()), r));
    assertEquals(new Confirmation.Accepted(), resent.reply());
    assertTrue(resent.hasNoEvents());
  }

  @Test
  void aDeviceEventOfAStaleSessionIsRefusedStaleSession() {
    register();
    attach(testKit.createTestProbe());
    attach(testKit.createTestProbe());
    var result =
        kit.<Confirmation>runCommand(
            r ->
                new RecordEvent(
                    1, report(clock.instant(), 1, EventType.SELF_TEST_FAILED, Map.of()), r));
    Confirmation.Rejected rejected = assertInstanceOf(Confirmation.Rejected.class, result.reply());
    assertEquals(Confirmation.Reason.STALE_SESSION, rejected.reason());
    assertTrue(result.hasNoEvents());
  }

  @Test
  void aDeviceEventOfAnUnregisteredDeviceIsRefusedNotRegistered() {
    var result =
        kit.<Confirmation>runCommand(
            r ->
                new RecordEvent(
                    1, report(clock.instant(), 1, EventType.SELF_TEST_FAILED, Map.of()), r));
    Confirmation.Rejected rejected = assertInstanceOf(Confirmation.Rejected.class, result.reply());
    assertEquals(Confirmation.Reason.NOT_REGISTERED, rejected.reason());
    assertTrue(result.hasNoEvents());
  }

  // ---------------------------------------------------------------------------------- offline
  // deadline

  @Test
  void disconnectSetsTheOfflineDeadlineAndCheckDeadlinesRaisesConnectionLostOncePassed() {
    register();
    long epoch = attach(testKit.createTestProbe());
    clock.advance(Duration.ofMinutes(5));
    Instant disconnectedAt = clock.instant();
    Instant deadline = disconnectedAt.plus(SETTINGS.offlineGrace());

    var detach = kit.runCommand(new Detach(epoch, "CLIENT_DISCONNECT"));
    assertEquals(
        List.of(new Disconnected(epoch, "CLIENT_DISCONNECT", deadline, disconnectedAt)),
        detach.events());
    assertEquals(deadline, reg(detach.state()).session().offlineDeadline());
    assertEquals(disconnectedAt, reg(detach.state()).session().disconnectedAt());
    assertFalse(reg(detach.state()).session().online());

    clock.set(deadline.minusMillis(1));
    assertTrue(kit.runCommand(new UpsDevice.CheckDeadlines()).hasNoEvents(), "not yet due");

    clock.set(deadline.plusSeconds(3));
    Instant now = clock.instant();
    var lost = kit.runCommand(new UpsDevice.CheckDeadlines());
    assertEquals(
        List.of(
            new ConnectionLost(now), alarm(EventType.CONNECTION_LOST, Severity.WARNING, null, now)),
        lost.events());
    assertTrue(reg(lost.state()).session().connectionLost());
    assertNull(reg(lost.state()).session().offlineDeadline());

    clock.advance(Duration.ofMinutes(10));
    assertTrue(kit.runCommand(new UpsDevice.CheckDeadlines()).hasNoEvents(), "exactly once");
    assertTrue(kit.runCommand(new Wake()).hasNoEvents(), "exactly once");
    assertEquals(1, countRaised(EventType.CONNECTION_LOST));
    assertTrue(snapshot().connectionLost());
  }

  @Test
  void wakeAfterTheDeadlineRaisesConnectionLostOnce() {
    register();
    long epoch = attach(testKit.createTestProbe());
    kit.runCommand(new Detach(epoch, "KEEP_ALIVE_TIMEOUT"));
    assertTrue(kit.runCommand(new Wake()).hasNoEvents());

    clock.advance(SETTINGS.offlineGrace());
    Instant now = clock.instant();
    var lost = kit.runCommand(new Wake());
    assertEquals(
        List.of(
            new ConnectionLost(now), alarm(EventType.CONNECTION_LOST, Severity.WARNING, null, now)),
        lost.events());
    assertTrue(kit.runCommand(new Wake()).hasNoEvents());
    assertEquals(1, countRaised(EventType.CONNECTION_LOST));
  }

  @Test
  void reconnectAfterConnectionLostRaisesConnectionRestored() {
    register();
    long epoch = attach(testKit.createTestProbe());
    kit.runCommand(new Detach(epoch, "CLIENT_DISCONNECT"));
    clock.advance(Duration.ofMinutes(3));
    kit.runCommand(new Wake());
    assertTrue(registered().session().connectionLost());

    clock.advance(Duration.ofMinutes(1));
    Instant now = clock.instant();
    TestProbe<DeviceLink.Message> link = testKit.createTestProbe();
    var result =
        kit.<AttachReply>runCommand(r -> new Attach("10.0.0.9:40000", "node-1", link.ref(), r));
    assertEquals(new Attachment(2), result.reply());
    assertEquals(
        List.of(
            new Connected(
                2,
                "10.0.0.9:40000",
                "node-1",
                ActorRefResolver.get(testKit.system()).toSerializationFormat(link.ref()),
                now),
            alarm(EventType.CONNECTION_RESTORED, Severity.INFO, null, now)),
        result.events());
    assertFalse(reg(result.state()).session().connectionLost());
    assertFalse(snapshot().connectionLost());
  }

  @Test
  void reconnectWithinTheGraceCancelsTheDeadlineWithoutAnyAlarm() {
    register();
    long epoch = attach(testKit.createTestProbe());
    kit.runCommand(new Detach(epoch, "CLIENT_DISCONNECT"));
    clock.advance(Duration.ofMinutes(1));
    var back =
        kit.<AttachReply>runCommand(
            r ->
                new Attach(
                    "10.0.0.9:40000",
                    "node-1",
                    testKit.<DeviceLink.Message>createTestProbe().ref(),
                    r));
    assertEquals(
        List.of(Connected.class),
        back.events().stream().map(Object::getClass).collect(Collectors.toList()));
    assertNull(reg(back.state()).session().offlineDeadline());

    clock.advance(Duration.ofMinutes(10));
    assertTrue(kit.runCommand(new UpsDevice.CheckDeadlines()).hasNoEvents());
    assertTrue(kit.runCommand(new Wake()).hasNoEvents());
  }

  @Test
  void recoveryReArmsAnOverdueOfflineDeadline() {
    register();
    long epoch = attach(testKit.createTestProbe());
    kit.runCommand(new Detach(epoch, "CLIENT_DISCONNECT"));
    clock.advance(Duration.ofMinutes(30)); // passed while the entity was not running

    kit.restart();
    // No Wake: the deadline timer re-armed on recovery fires by itself.
    shard.awaitAssert(
        Duration.ofSeconds(5),
        () -> {
          assertTrue(registered().session().connectionLost());
          return null;
        });
    assertEquals(1, countRaised(EventType.CONNECTION_LOST));
  }

  // ---------------------------------------------------------------------------------- passivation

  @Test
  void idleCheckPassivatesOnlyAnIdleEntityWithNothingPending() {
    register();
    clock.advance(SETTINGS.idlePassivation().minusSeconds(1));
    kit.runCommand(new UpsDevice.IdleCheck());
    shard.expectNoMessage(Duration.ofMillis(100));
    clock.advance(Duration.ofSeconds(1));
    kit.runCommand(new UpsDevice.IdleCheck());
    shard.expectMessageClass(ClusterSharding.Passivate.class);

    long epoch = attach(testKit.createTestProbe());
    clock.advance(Duration.ofHours(1));
    kit.runCommand(new UpsDevice.IdleCheck());
    shard.expectNoMessage(Duration.ofMillis(100)); // connected

    kit.runCommand(new Detach(epoch, "CLIENT_DISCONNECT"));
    kit.runCommand(new UpsDevice.IdleCheck());
    shard.expectNoMessage(Duration.ofMillis(100)); // offline deadline pending
  }

  // ---------------------------------------------------------------------------------- plans

  @Test
  void theTrialOfARegistrationOnAugust31stEndsOnFebruary28th() {
    clock.set(Instant.parse("2024-08-31T10:15:30Z"));
    register();
    clock.advance(Duration.ofDays(1));
    PlanStatus plan = snapshot().plan();
    Instant end = Instant.parse("2025-02-28T10:15:30Z");
    assertEquals(
        new PlanStatus(Plan.STANDARD, "TRIAL", Instant.parse("2024-08-31T10:15:30Z"), end), plan);
    assertEquals(LocalDate.of(2025, 2, 28), LocalDate.ofInstant(plan.endsAt(), ZoneOffset.UTC));
  }

  @Test
  void theTrialOfARegistrationOnALeapDayEndsOnAugust29th() {
    clock.set(Instant.parse("2024-02-29T23:30:00Z"));
    register();
    PlanStatus plan = snapshot().plan();
    assertEquals(
        new PlanStatus(
            Plan.STANDARD,
            "TRIAL",
            Instant.parse("2024-02-29T23:30:00Z"),
            Instant.parse("2024-08-29T23:30:00Z")),
        plan);
  }

  @Test
  void thePlanFallsBackToBasicWhenTheTrialEnds() {
    Instant registeredAt = clock.instant();
    register();
    Instant end = registeredAt.atOffset(ZoneOffset.UTC).plusMonths(6).toInstant();
    clock.set(end.minusMillis(1));
    assertEquals(new PlanStatus(Plan.STANDARD, "TRIAL", registeredAt, end), snapshot().plan());
    clock.set(end);
    assertEquals(new PlanStatus(Plan.BASIC, "NONE", null, null), snapshot().plan());
  }

  @Test
  void anUnregisteredDeviceIsBasicWithoutATrial() {
    DeviceSnapshot snapshot = snapshot();
    assertFalse(snapshot.registered());
    assertEquals(new PlanStatus(Plan.BASIC, "NONE", null, null), snapshot.plan());
  }

  @Test
  void eventsRaisedWhileThePlanIsBasicAreNotLogged() {
    register();
    long epoch = attach(testKit.createTestProbe());
    kit.runCommand(new RecordTelemetry(epoch, sample("OL")));
    var trial = kit.runCommand(new RecordTelemetry(epoch, sample("OB DISCHRG")));
    assertTrue(
        raised(trial.events(), EventType.ON_BATTERY).logged(), "logged during the Standard trial");

    clock.advance(Duration.ofDays(200));
    assertEquals(Plan.BASIC, snapshot().plan().plan());
    var basic = kit.runCommand(new RecordTelemetry(epoch, sample("OL")));
    assertFalse(raised(basic.events(), EventType.POWER_RESTORED).logged());

    var reported =
        kit.<Confirmation>runCommand(
            r ->
                new RecordEvent(
                    epoch, report(clock.instant(), 9, EventType.SELF_TEST_PASSED, Map.of()), r));
    assertEquals(new Confirmation.Accepted(), reported.reply());
    assertFalse(raised(reported.events(), EventType.SELF_TEST_PASSED).logged());

    kit.runCommand(new Detach(epoch, "CLIENT_DISCONNECT"));
    clock.advance(SETTINGS.offlineGrace());
    kit.runCommand(new Wake());
    // Read from the journal: the entity may persist plan bookkeeping before it checks the
    // connection.
    EventRaised lost =
        shard.awaitAssert(
            Duration.ofSeconds(5), () -> raised(journalEvents(), EventType.CONNECTION_LOST));
    assertFalse(lost.logged());
  }

  // ---------------------------------------------------------------------------------- recovery

  @Test
  void aRestartRecoversTheSameState() {
    register();
    TestProbe<DeviceLink.Message> link = testKit.createTestProbe();
    attach(testKit.createTestProbe());
    long epoch = attach(link);
    kit.runCommand(
        new RecordTelemetry(
            epoch,
            sample(
                "OB DISCHRG LB RB",
                Map.of("battery.temperature", 52.0),
                Map.of("ups.firmware", "UPS 15.0"))));
    kit.<Confirmation>runCommand(
        r ->
            new RecordEvent(
                epoch,
                report(clock.instant(), 11, EventType.SELF_TEST_FAILED, Map.of("code", "3")),
                r));
    RegisteredDevice before = registered();
    assertTrue(before.session().online());
    assertTrue(before.health().temperatureHigh());
    assertEquals(1, before.health().recentReports().size());

    RegisteredDevice recovered = reg(kit.restart().state());
    assertEquals(before, recovered);

    // The recovered entity keeps working on the same session and watches its link again.
    var more = kit.runCommand(new RecordTelemetry(epoch, sample("OL")));
    assertEquals(List.of(EventType.POWER_RESTORED), raisedTypes(more.events()));
    link.stop();
    shard.awaitAssert(
        Duration.ofSeconds(5),
        () -> {
          assertFalse(registered().session().online());
          return null;
        });
  }

  @Test
  void aRestartRecoversTheSameStateFromASnapshotAndLaterEvents() {
    register();
    long epoch = attach(testKit.createTestProbe());
    for (int i = 0; i < 60; i++) { // two events per transition: beyond the snapshot interval of 100
      clock.advance(Duration.ofSeconds(20));
      kit.runCommand(new RecordTelemetry(epoch, sample(i % 2 == 0 ? "OB DISCHRG" : "OL CHRG")));
    }
    String persistenceId = PersistenceId.of("UpsDevice", serial).id();
    assertFalse(
        kit.snapshotTestKit().orElseThrow().persistedInStorage(persistenceId).isEmpty(),
        "a snapshot was taken");
    RegisteredDevice before = registered();

    assertEquals(before, kit.restart().state());
  }

  @Test
  void theReSendWindowKeepsTheLatest64Reports() {
    register();
    long epoch = attach(testKit.createTestProbe());
    Instant deviceTime = Instant.parse("2025-03-10T07:00:00Z");
    for (int i = 1; i <= Health.RECENT_REPORTS + 1; i++) {
      long n = i;
      kit.<Confirmation>runCommand(
          r ->
              new RecordEvent(
                  epoch,
                  report(deviceTime.plusSeconds(n), n, EventType.SENSITIVITY_CHANGED, Map.of()),
                  r));
    }
    assertEquals(Health.RECENT_REPORTS, registered().health().recentReports().size());

    var newest =
        kit.<Confirmation>runCommand(
            r ->
                new RecordEvent(
                    epoch,
                    report(
                        deviceTime.plusSeconds(Health.RECENT_REPORTS + 1),
                        Health.RECENT_REPORTS + 1,
                        EventType.SENSITIVITY_CHANGED,
                        Map.of()),
                    r));
    assertTrue(newest.hasNoEvents(), "the newest report is still recognised");
  }

  // ---------------------------------------------------------------------------------- helpers

  /** The state of the registered device under test. */
  private RegisteredDevice registered() {
    return reg(kit.getState());
  }

  private static RegisteredDevice reg(State state) {
    if (state instanceof RegisteredDevice r) return r;
    throw new AssertionError("expected a registered device, got " + state);
  }

  private void register() {
    var result = kit.<Confirmation>runCommand(r -> new Register(MODEL, ACCOUNT, r));
    assertEquals(new Confirmation.Accepted(), result.reply());
  }

  private long attach(TestProbe<DeviceLink.Message> link) {
    var result =
        kit.<AttachReply>runCommand(r -> new Attach("192.0.2.10:51234", "node-1", link.ref(), r));
    return assertInstanceOf(Attachment.class, result.reply()).epoch();
  }

  /** The order the entity gives the latest sample built here, received in {@code epoch}. */
  private SampleOrder order(long epoch) {
    return SampleOrder.of(epoch, lastSample);
  }

  private DeviceSnapshot snapshot() {
    return kit.<DeviceSnapshot>runCommand(GetSnapshot::new).reply();
  }

  private List<Event> temperature(long epoch, double celsius) {
    return kit.runCommand(
            new RecordTelemetry(
                epoch, sample("OL", Map.of("battery.temperature", celsius), Map.of())))
        .events();
  }

  private Telemetry sample(String status) {
    return sample(status, Map.of(), Map.of());
  }

  private Telemetry sample(String status, Map<String, Double> numbers, Map<String, String> texts) {
    Instant now = clock.instant();
    return lastSample =
        new Telemetry(
            now.minusMillis(400),
            now,
            ++seq,
            flags(status),
            new TreeMap<>(numbers),
            new TreeMap<>(texts),
            false);
  }

  private DeviceEventReport report(
      Instant deviceTime, long seq, EventType type, Map<String, String> details) {
    return new DeviceEventReport(
        deviceTime, clock.instant(), seq, type, new TreeMap<>(details), false);
  }

  private static Set<StatusFlag> flags(String status) {
    EnumSet<StatusFlag> flags = EnumSet.noneOf(StatusFlag.class);
    Arrays.stream(status.split(" "))
        .filter(token -> !token.isBlank())
        .forEach(token -> flags.add(StatusFlag.fromToken(token).orElseThrow()));
    return flags;
  }

  private static EventRaised alarm(EventType type, Severity severity, String cause, Instant at) {
    return alarm(type, severity, cause, at, Map.of());
  }

  private static EventRaised alarm(
      EventType type, Severity severity, String cause, Instant at, Map<String, String> details) {
    SortedMap<String, String> sorted = new TreeMap<>(details);
    return new EventRaised(type, severity, cause, null, -1, sorted, true, at);
  }

  /** The one {@link EventRaised} of {@code type} among {@code events}. */
  private static EventRaised raised(List<Event> events, EventType type) {
    List<EventRaised> found =
        events.stream()
            .filter(e -> e instanceof EventRaised r && r.type() == type)
            .map(EventRaised.class::cast)
            .collect(Collectors.toList());
    assertEquals(1, found.size(), type + " in " + events);
    return found.get(0);
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

  private List<Event> journalEvents() {
    return journal().stream().map(Event.class::cast).collect(Collectors.toList());
  }

  private long countRaised(EventType type) {
    return journal().stream().filter(e -> e instanceof EventRaised r && r.type() == type).count();
  }
}
