package io.upsfleet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.upsfleet.cluster.device.DeviceEventReport;
import io.upsfleet.cluster.device.DeviceLink;
import io.upsfleet.cluster.device.DeviceSnapshot;
import io.upsfleet.cluster.device.EmptyDevice;
import io.upsfleet.cluster.device.EventType;
import io.upsfleet.cluster.device.Health;
import io.upsfleet.cluster.device.Operations;
import io.upsfleet.cluster.device.PlanBook;
import io.upsfleet.cluster.device.RegisteredDevice;
import io.upsfleet.cluster.device.SampleOrder;
import io.upsfleet.cluster.device.Session;
import io.upsfleet.cluster.device.Severity;
import io.upsfleet.cluster.device.StatusFlag;
import io.upsfleet.cluster.device.Telemetry;
import io.upsfleet.cluster.device.TelemetryVariable;
import io.upsfleet.cluster.device.UpsDevice;
import io.upsfleet.cluster.licensing.LicenseOrder;
import io.upsfleet.cluster.licensing.OrderLine;
import io.upsfleet.cluster.licensing.Reservation;
import io.upsfleet.cluster.operation.CommandMessage;
import io.upsfleet.cluster.operation.CommandReport;
import io.upsfleet.cluster.operation.CommandStatus;
import io.upsfleet.cluster.operation.CommandType;
import io.upsfleet.cluster.operation.DeviceCommand;
import io.upsfleet.cluster.operation.Operation;
import io.upsfleet.cluster.operation.OperationAllowance;
import io.upsfleet.cluster.plan.Grant;
import io.upsfleet.cluster.plan.Plan;
import io.upsfleet.cluster.plan.PlanRecord;
import io.upsfleet.cluster.plan.PlanStatus;
import io.upsfleet.cluster.plan.PlanTerm;
import io.upsfleet.cluster.plan.PlanTimeline;
import io.upsfleet.cluster.plan.Sku;
import io.upsfleet.cluster.plan.TermSource;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every message that may cross nodes or be persisted round-trips through the serializer Pekko picks
 * for it with the bindings of {@code upsfleet-cluster.conf}, and that serializer is jackson-cbor.
 * The samples carry the awkward parts: {@code ActorRef}s, {@code Set<StatusFlag>}, sorted maps,
 * nanosecond {@code Instant}s and nulls. A completeness check fails when a new command, reply or
 * event has no sample here.
 */
class SerializationTest {

  private static final int JACKSON_CBOR_ID = 33;

  /**
   * The serialization settings of {@code upsfleet-cluster.conf} on a local provider, without JDBC
   * plugins.
   */
  private static Config testConfig() {
    Config upsfleet =
        ConfigFactory.parseResources(
                SerializationTest.class.getClassLoader(),
                "upsfleet-cluster.conf",
                ConfigParseOptions.defaults().setAllowMissing(false))
            .withoutPath("pekko.persistence")
            .withoutPath("pekko.projection");
    return ConfigFactory.load(
        ConfigFactory.parseString("pekko.actor.provider = local").withFallback(upsfleet));
  }

  private static final ActorTestKit testKit =
      ActorTestKit.create("SerializationTest", testConfig());

  @AfterAll
  static void shutdownTestKit() {
    testKit.shutdownTestKit();
  }

  private static final TestProbe<DeviceLink.Message> link = testKit.createTestProbe();
  private static final TestProbe<UpsDevice.Confirmation> confirmations = testKit.createTestProbe();
  private static final TestProbe<UpsDevice.AttachReply> attachReplies = testKit.createTestProbe();
  private static final TestProbe<DeviceSnapshot> snapshots = testKit.createTestProbe();
  private static final TestProbe<UpsDevice.PlanReply> planReplies = testKit.createTestProbe();
  private static final TestProbe<UpsDevice.OperationReply> commandReplies =
      testKit.createTestProbe();
  private static final TestProbe<LicenseOrder.Reply> orderReplies = testKit.createTestProbe();

  private static final Instant AT = Instant.parse("2025-03-10T08:15:30.123456789Z");
  private static final Instant DEVICE_TIME = Instant.parse("2025-03-10T08:15:29.5Z");
  private static final Set<StatusFlag> ON_BATTERY =
      EnumSet.of(StatusFlag.OB, StatusFlag.DISCHRG, StatusFlag.LB);

  // ---------------------------------------------------------------------------------- samples

  private static Telemetry telemetry() {
    TreeMap<String, Double> numbers = new TreeMap<>();
    numbers.put("ups.load", 42.5);
    numbers.put("battery.charge", 97.0);
    numbers.put("battery.runtime", 3120.0);
    numbers.put("input.frequency", 49.98);
    TreeMap<String, String> texts = new TreeMap<>();
    texts.put("ups.firmware", "UPS 15.5 (ID1029)");
    texts.put("input.transfer.reason", "LowInputVoltage");
    texts.put("battery.date", "2024-11-28");
    return new Telemetry(DEVICE_TIME, AT, 4711, ON_BATTERY, numbers, texts, true);
  }

  /** A sample of a device that sends its boot counter. */
  private static Telemetry telemetryWithBoot() {
    Telemetry t = telemetry();
    return new Telemetry(
        t.deviceTime(), t.receivedAt(), 1, t.status(), t.measurements(), t.readings(), false, 42);
  }

  /** The allowances of a device. */
  private static UpsDevice.Allowances allowances() {
    return new UpsDevice.Allowances(
        List.of(
            new OperationAllowance(
                CommandType.OUTLET_GROUP_REBOOT,
                false,
                "remote outlet-group reboot needs the Advanced plan",
                Plan.ADVANCED,
                2,
                null),
            new OperationAllowance(
                CommandType.FIRMWARE_UPGRADE, true, null, null, 0, "UPS 15.6 / ID=20")),
        "acct-42");
  }

  private static DeviceEventReport report() {
    return new DeviceEventReport(
        DEVICE_TIME,
        AT,
        12,
        EventType.SELF_TEST_FAILED,
        new TreeMap<>(Map.of("result", "failed", "code", "B3")),
        false);
  }

  private static PlanStatus trial() {
    return new PlanStatus(
        Plan.STANDARD, "TRIAL", AT, Instant.parse("2025-09-10T08:15:30.123456789Z"));
  }

  private static SampleOrder order() {
    return new SampleOrder(3, 2, 4711, DEVICE_TIME, false);
  }

  private static RegisteredDevice state() {
    return new RegisteredDevice(
        "AS1234567890",
        "SMT1500RMI2UC",
        "acct-42",
        AT,
        new Session(
            3,
            true,
            ActorRefResolver.get(testKit.system()).toSerializationFormat(link.ref()),
            "192.0.2.10:51234",
            "node-1",
            AT,
            null,
            null,
            false,
            List.of(AT.minusSeconds(30), AT.minusSeconds(10)),
            AT.minusSeconds(5)),
        new Health(
            ON_BATTERY,
            true,
            "UPS 15.5",
            order(),
            List.of("7|SELF_TEST_PASSED|2025-03-10T08:15:29.500Z", "8|BATTERY_REPLACE|null")),
        new PlanBook(
            timeline(),
            Instant.parse("2028-03-10T08:15:30.123456789Z"),
            Instant.parse("2028-03-10T08:15:30.123456789Z"),
            AT,
            Set.of("asg-1", "asg-2")),
        new Operations(
            List.of(command(CommandStatus.SENT), command(CommandStatus.SUCCEEDED)),
            "low",
            "UPS 15.6 / ID=20"));
  }

  private static EmptyDevice emptyState() {
    return new EmptyDevice("AS0000000001");
  }

  private static UpsDevice.Registered registered() {
    return build(
        UpsDevice.Registered.class,
        Map.of(
            "serial", "AS1234567890", "model", "SMT1500RMI2UC", "accountId", "acct-42", "at", AT));
  }

  /** Registered as written since the plan engine: trial end and warranty dates set. */
  private static UpsDevice.Registered registeredWithDates() {
    return new UpsDevice.Registered(
        "AS1234567890",
        "SMT1500RMI2UC",
        "acct-42",
        AT,
        Instant.parse("2025-09-10T08:15:30.123456789Z"),
        Instant.parse("2028-03-10T08:15:30.123456789Z"),
        Instant.parse("2028-03-10T08:15:30.123456789Z"));
  }

  // ---------------------------------------------------------------------------------- plan samples

  private static Sku sku(String code) {
    return Sku.parse(code).orElseThrow();
  }

  /** A license, its promotion bonus and an extended warranty. */
  private static List<Grant> grants() {
    Sku adv = sku("SMARTCONNECT-ADVANCED-1Y");
    return List.of(
        new Grant(adv, TermSource.LICENSE, null),
        new Grant(
            new Sku(adv.code(), Sku.Kind.LICENSE, adv.plan(), Period.ofMonths(18)),
            TermSource.PROMOTION,
            "advanced-2024"),
        new Grant(sku("WBEXTWAR-3Y"), TermSource.WARRANTY, null));
  }

  /**
   * A trial interrupted by an upgrade: the split trial, the Advanced year, the resumed remainder.
   */
  private static PlanTimeline timeline() {
    return PlanTimeline.empty()
        .assign(Plan.STANDARD, Period.ofMonths(6), TermSource.TRIAL, "trial", null, AT)
        .assign(
            Plan.ADVANCED,
            Period.ofYears(1),
            TermSource.LICENSE,
            "asg-1",
            "SMARTCONNECT-ADVANCED-1Y",
            AT.plus(Duration.ofDays(31)).plusNanos(1));
  }

  private static PlanRecord planRecord() {
    return new PlanRecord(
        Plan.ADVANCED,
        AT.plus(Duration.ofDays(365)),
        AT.plus(Duration.ofDays(500)),
        AT.plus(Duration.ofDays(275)),
        Instant.parse("2028-03-10T08:15:30.123456789Z"),
        null);
  }

  private static UpsDevice.PlanSummary planSummary() {
    PlanTimeline t = timeline();
    PlanTerm adv = t.terms().get(1);
    return new UpsDevice.PlanSummary(
        "AS1234567890",
        "acct-42",
        new PlanStatus(Plan.ADVANCED, "LICENSE", adv.start(), adv.end()),
        t.coveredUntil(adv.start()).orElseThrow(),
        t.terms(),
        Instant.parse("2028-03-10T08:15:30.123456789Z"),
        Instant.parse("2027-03-10T08:15:30Z"),
        AT);
  }

  // ---------------------------------------------------------------------------------- command
  // samples

  private static DeviceCommand command(CommandStatus status) {
    return new DeviceCommand(
        "cmd-" + status,
        CommandType.OUTLET_GROUP_REBOOT,
        new TreeMap<>(Map.of("group", "1", "offDelay", "5", "onDelay", "10")),
        "alice",
        AT,
        AT.plusSeconds(600),
        status == CommandStatus.SENT ? "idem-1" : null,
        status,
        status == CommandStatus.SENT ? "rebooting" : null,
        null,
        status == CommandStatus.PENDING ? null : AT.plusSeconds(1),
        AT.plusSeconds(2),
        3);
  }

  private static CommandReport commandReport() {
    return new CommandReport(
        "cmd-1", CommandReport.Status.IN_PROGRESS, "downloading", 40, null, null, DEVICE_TIME, AT);
  }

  // ---------------------------------------------------------------------------------- license
  // order samples

  private static final UUID ACCOUNT = UUID.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3301");

  private static List<OrderLine> lines() {
    return List.of(
        new OrderLine("SMARTCONNECT-STANDARD-1Y", 11, 1, "volume-2024"),
        new OrderLine("WEXTWAR", 2, 0, null));
  }

  private static Reservation reservation(String id) {
    return new Reservation(id, "AS1234567890", "SMARTCONNECT-ADVANCED-1Y", grants());
  }

  private static LicenseOrder.State orderState() {
    Map<String, Reservation> pending = new HashMap<>();
    pending.put("asg-2", reservation("asg-2"));
    pending.put("asg-3", reservation("asg-3"));
    return new LicenseOrder.State(
        "order-1",
        "PO-4711",
        lines(),
        "partner",
        "installer@example.com",
        "7KQ2M-XW9RT-0HC4D-J8NVB-3FPZS",
        "support",
        AT,
        ACCOUNT,
        AT.plusSeconds(60),
        pending,
        Map.of("asg-1", reservation("asg-1")),
        2);
  }

  private static LicenseOrder.OrderView orderView() {
    Map<String, Integer> available = new LinkedHashMap<>();
    available.put("SMARTCONNECT-STANDARD-1Y", 10);
    available.put("WEXTWAR", 2);
    return new LicenseOrder.OrderView(
        "order-1",
        "PO-4711",
        lines(),
        "partner",
        "installer@example.com",
        "7KQ2M-XW9RT-0HC4D-J8NVB-3FPZS",
        ACCOUNT,
        AT,
        available,
        Map.of("SMARTCONNECT-STANDARD-1Y", 1, "WEXTWAR", 0),
        Map.of("SMARTCONNECT-STANDARD-1Y", 1, "WEXTWAR", 0),
        AT,
        "support",
        1,
        List.of(reservation("asg-1")));
  }

  static Stream<Arguments> licenseOrderMessages() {
    return named(
        new LicenseOrder.Create(
            "PO-4711",
            lines(),
            "partner",
            "installer@example.com",
            "7KQ2M-XW9RT-0HC4D-J8NVB-3FPZS",
            "support",
            orderReplies.ref()),
        new LicenseOrder.Redeem(ACCOUNT, "alice", orderReplies.ref()),
        new LicenseOrder.Reserve(
            ACCOUNT,
            List.of(reservation("asg-1"), reservation("asg-2")),
            "alice",
            orderReplies.ref()),
        new LicenseOrder.Complete("asg-1"),
        new LicenseOrder.Release("asg-2", "DEVICE_NOT_FOUND"),
        new LicenseOrder.RequestEmail("support", orderReplies.ref()),
        new LicenseOrder.Get(orderReplies.ref()),
        new LicenseOrder.Wake(),
        internal(LicenseOrder.class, "RetryPending"),
        internal(LicenseOrder.class, "Redriven", "asg-1", true, null),
        internal(LicenseOrder.class, "Redriven", "asg-2", false, "DEVICE_NOT_FOUND"),
        new LicenseOrder.Done(orderView()),
        new LicenseOrder.Rejected(
            LicenseOrder.Reason.INSUFFICIENT, "the code has 0 WEXTWAR left, 1 requested"),
        new LicenseOrder.OrderCreated(
            "order-1",
            "PO-4711",
            lines(),
            "partner",
            "installer@example.com",
            "7KQ2M-XW9RT-0HC4D-J8NVB-3FPZS",
            "support",
            AT),
        new LicenseOrder.CodeRedeemed(ACCOUNT, "alice", AT),
        new LicenseOrder.EntitlementsReserved(
            List.of(reservation("asg-1"), reservation("asg-2")), "alice", AT),
        new LicenseOrder.EntitlementApplied("asg-1", AT),
        new LicenseOrder.ReservationReleased("asg-2", "DEVICE_NOT_FOUND", AT),
        new LicenseOrder.CodeEmailRequested("support", AT),
        orderState(),
        new LicenseOrder.State(
            "order-0", null, List.of(), null, null, null, null, null, null, null, Map.of(),
            Map.of(), 0),
        orderView());
  }

  static Stream<Arguments> commands() {
    return named(
        new UpsDevice.Register("SMT1500RMI2UC", "acct-42", confirmations.ref()),
        new UpsDevice.Attach("192.0.2.10:51234", "node-1", link.ref(), attachReplies.ref()),
        new UpsDevice.Attach(
            "192.0.2.10:51234", "node-1", link.ref(), AT.plusSeconds(5), attachReplies.ref()),
        new UpsDevice.Detach(3, "KEEP_ALIVE_TIMEOUT"),
        new UpsDevice.RecordTelemetry(3, telemetry()),
        new UpsDevice.RecordTelemetry(3, telemetryWithBoot(), true, confirmations.ref()),
        new UpsDevice.RecordEvent(3, report(), confirmations.ref()),
        new UpsDevice.GetSnapshot(snapshots.ref()),
        new UpsDevice.Deregister("alice", confirmations.ref()),
        new UpsDevice.Transfer("acct-43", "support", confirmations.ref()),
        new UpsDevice.ApplyEntitlements("asg-1", grants(), "alice", planReplies.ref()),
        new UpsDevice.PreviewEntitlements(grants(), planReplies.ref()),
        new UpsDevice.GetPlan(planReplies.ref()),
        new UpsDevice.RequestOperation(
            new Operation.OutletGroupReboot(0, 5, 10),
            Duration.ofMinutes(10),
            "alice",
            "idem-1",
            commandReplies.ref()),
        new UpsDevice.RequestOperation(
            new Operation.SelfTest(), Duration.ofSeconds(10), "bob", null, commandReplies.ref()),
        new UpsDevice.CancelOperation("cmd-1", "alice", commandReplies.ref()),
        new UpsDevice.RequestOperation(
            new Operation.FirmwareUpgrade(null, false),
            Duration.ofHours(1),
            "carol",
            null,
            commandReplies.ref()),
        new UpsDevice.RequestOperation(
            new Operation.SetInputSensitivity(Operation.Sensitivity.LOW),
            Duration.ofHours(1),
            "carol",
            null,
            commandReplies.ref()),
        new UpsDevice.GetOperations(commandReplies.ref()),
        new UpsDevice.GetOperations(20, 10, commandReplies.ref()),
        new UpsDevice.GetAllowedOperations(commandReplies.ref()),
        new UpsDevice.OperationPublished(3, "cmd-1"),
        new UpsDevice.OperationDelivered(3, "cmd-1"),
        new UpsDevice.RecordOperationResult(3, commandReport(), confirmations.ref()),
        new UpsDevice.Wake(),
        internal("LinkTerminated", 3L),
        internal("CheckDeadlines"),
        internal("IdleCheck"));
  }

  static Stream<Arguments> replies() {
    return named(
        new UpsDevice.Attachment(3),
        new UpsDevice.Confirmation.Accepted(),
        new UpsDevice.Confirmation.Rejected(
            UpsDevice.Confirmation.Reason.STALE_SESSION, "session 2 is not current"),
        new UpsDevice.Confirmation.Rejected(UpsDevice.Confirmation.Reason.INVALID, null),
        new DeviceSnapshot(
            "AS1234567890",
            true,
            "SMT1500RMI2UC",
            "acct-42",
            AT,
            true,
            AT,
            null,
            "192.0.2.10:51234",
            AT,
            false,
            ON_BATTERY,
            true,
            "UPS 15.5",
            telemetry(),
            trial(),
            "low",
            "UPS 15.6 / ID=20"),
        new DeviceSnapshot(
            "AS0000000001",
            false,
            null,
            null,
            null,
            false,
            null,
            null,
            null,
            null,
            false,
            Set.of(),
            false,
            null,
            null,
            new PlanStatus(Plan.BASIC, "NONE", null, null),
            null,
            null),
        planSummary(),
        new UpsDevice.PlanSummary(
            "AS0000000001",
            "acct-42",
            new PlanStatus(Plan.BASIC, "NONE", null, null),
            null,
            List.of(),
            null,
            null,
            AT),
        new UpsDevice.OperationAccepted(command(CommandStatus.PENDING), "acct-42"),
        new UpsDevice.OperationRefused(
            UpsDevice.RefusalReason.PLAN,
            "remote outlet-group reboot needs the Advanced plan; the device is on Standard",
            Plan.ADVANCED,
            "acct-42"),
        new UpsDevice.OperationRefused(
            UpsDevice.RefusalReason.NOT_REGISTERED, "not registered", null, null),
        new UpsDevice.OperationRefused(
            UpsDevice.RefusalReason.TOO_MANY,
            "the device already has 100 unfinished operations",
            null,
            "acct-42"),
        new UpsDevice.OperationPage(
            List.of(command(CommandStatus.SENT), command(CommandStatus.SUCCEEDED)), 7, "acct-42"),
        allowances());
  }

  static Stream<Arguments> events() {
    TreeMap<String, String> details = new TreeMap<>();
    details.put("to", "UPS 15.5");
    details.put("from", "UPS 15.0");
    TreeMap<String, String> reminder = new TreeMap<>();
    reminder.put("plan", "STANDARD");
    reminder.put("endsAt", "2025-09-10T08:15:30.123456789Z");
    reminder.put("days", "7");
    return named(
        registered(),
        registeredWithDates(),
        new UpsDevice.EntitlementsApplied("asg-1", grants(), "alice", planRecord(), AT),
        new UpsDevice.EntitlementsApplied("asg-2", grants(), "alice", planRecord(), AT, true),
        new UpsDevice.PlanChecked(AT, planRecord(), AT),
        new UpsDevice.PlanChecked(AT, new PlanRecord(Plan.BASIC, null, null, null, AT, AT), AT),
        new UpsDevice.EventRaised(
            EventType.PLAN_EXPIRING, Severity.WARNING, null, null, -1, reminder, true, AT),
        new UpsDevice.CommandRequested(command(CommandStatus.PENDING), AT.plusSeconds(600), AT),
        new UpsDevice.CommandUpdated(
            "cmd-1", CommandStatus.FAILED, "installing", "battery low", 3, null, AT),
        new UpsDevice.CommandUpdated(
            "cmd-1", CommandStatus.DELIVERED, null, null, 3, AT.plusSeconds(600), AT),
        new UpsDevice.FirmwareOffered("UPS 15.6 / ID=20", AT),
        new UpsDevice.Connected(
            3,
            "192.0.2.10:51234",
            "node-1",
            ActorRefResolver.get(testKit.system()).toSerializationFormat(link.ref()),
            AT),
        new UpsDevice.Disconnected(2, DeviceLink.TAKEN_OVER, AT.plusSeconds(120), AT),
        new UpsDevice.ConnectionLost(AT),
        new UpsDevice.Deregistered("acct-42", "alice", AT),
        new UpsDevice.Transferred("acct-42", "acct-43", "support", AT),
        new UpsDevice.StatusChanged(Set.of(), ON_BATTERY, AT),
        new UpsDevice.StatusChanged(EnumSet.of(StatusFlag.OL, StatusFlag.CHRG), ON_BATTERY, AT),
        new UpsDevice.StatusChanged(Set.of(), ON_BATTERY, AT, order()),
        new UpsDevice.TemperatureAlarmChanged(true, 51.25, AT),
        new UpsDevice.TemperatureAlarmChanged(false, 44.5, AT, order()),
        new UpsDevice.FirmwareChanged(null, "UPS 15.0", AT),
        new UpsDevice.FirmwareChanged("UPS 15.0", "UPS 15.5", AT, order()),
        new UpsDevice.FirmwareChanged("UPS 15.0", "UPS 15.5", AT),
        new UpsDevice.EventRaised(
            EventType.FIRMWARE_UPDATED, Severity.INFO, null, null, -1, details, true, AT),
        new UpsDevice.EventRaised(
            EventType.SELF_TEST_FAILED,
            Severity.WARNING,
            "SELF_TEST",
            DEVICE_TIME,
            12,
            new TreeMap<>(),
            false,
            AT));
  }

  static Stream<Arguments> others() {
    return named(
        state(),
        emptyState(),
        new DeviceLink.Close(DeviceLink.TAKEN_OVER),
        new DeviceLink.Deliver(CommandMessage.of(command(CommandStatus.PENDING))),
        new Operation.OutletGroupReboot(2, 0, 3600),
        new Operation.FirmwareUpgrade("UPS 15.6 / ID=20", true),
        new Operation.FirmwareUpgrade(null, false),
        new Operation.SetInputSensitivity(Operation.Sensitivity.MEDIUM),
        new Operation.SelfTest(),
        new Operation.FirmwareOffer("UPS 09.8 / ID=18", true),
        order(),
        state().session(),
        state().health(),
        state().plan(),
        state().operations(),
        timeline(),
        PlanTimeline.empty(),
        planRecord(),
        grants().get(1),
        reservation("asg-1"),
        commandReport(),
        telemetry(),
        telemetryWithBoot(),
        report(),
        trial());
  }

  // ---------------------------------------------------------------------------------- round trips

  @ParameterizedTest(name = "{0}")
  @MethodSource("commands")
  void everyCommandRoundTripsThroughJacksonCbor(String name, Object command) {
    assertRoundTrip(command);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("replies")
  void everyReplyRoundTripsThroughJacksonCbor(String name, Object reply) {
    assertRoundTrip(reply);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("events")
  void everyEventRoundTripsThroughJacksonCbor(String name, Object event) {
    assertRoundTrip(event);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("licenseOrderMessages")
  void everyLicenseOrderMessageAndItsStateRoundTripThroughJacksonCbor(String name, Object message) {
    assertRoundTrip(message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("others")
  void stateAndValueRecordsRoundTripThroughJacksonCbor(String name, Object value) {
    assertRoundTrip(value);
  }

  @Test
  void theSamplesCoverEverySubtypeOfTheSealedProtocols() {
    Set<Class<?>> sampled =
        Stream.of(commands(), replies(), events(), others(), licenseOrderMessages())
            .flatMap(s -> s)
            .map(a -> a.get()[1].getClass())
            .collect(Collectors.toSet());
    // Every sealed protocol nested in the entity (commands, replies, events) and the link's
    // messages.
    List<Class<?>> roots = new ArrayList<>(List.of(DeviceLink.Message.class));
    for (Class<?> nested : UpsDevice.class.getDeclaredClasses()) {
      if (nested.isInterface() && nested.isSealed()) roots.add(nested);
    }
    assertTrue(
        roots.containsAll(
            List.of(
                UpsDevice.Command.class,
                UpsDevice.AttachReply.class,
                UpsDevice.Event.class,
                UpsDevice.PlanReply.class)));
    int deviceRoots = roots.size();
    for (Class<?> nested : LicenseOrder.class.getDeclaredClasses()) {
      if (nested.isInterface() && nested.isSealed()) roots.add(nested);
    }
    assertTrue(
        roots
            .subList(deviceRoots, roots.size())
            .containsAll(
                List.of(
                    LicenseOrder.Command.class,
                    LicenseOrder.Reply.class,
                    LicenseOrder.Event.class)));
    // The persisted state and the view replies carry are not in a sealed protocol: sample them by
    // name.
    roots.add(LicenseOrder.State.class);
    roots.add(LicenseOrder.OrderView.class);
    roots.add(UpsDevice.State.class);
    roots.add(Operation.class);
    Set<Class<?>> required = new HashSet<>();
    for (Class<?> root : roots) collectConcrete(root, required);
    required.removeAll(sampled);
    assertTrue(required.isEmpty(), "no serialization sample for " + required);
  }

  @Test
  void eventsWrittenWithInstantsAsTextStillRead() throws Exception {
    // Journals written before instants became numbers hold them as ISO-8601 text, and the session
    // link as an
    // actor path text: both must still replay.
    String linkPath = ActorRefResolver.get(testKit.system()).toSerializationFormat(link.ref());
    Map<String, Object> old = new LinkedHashMap<>();
    old.put("epoch", 3);
    old.put("remoteAddress", "192.0.2.10:51234");
    old.put("node", "node-1");
    old.put("link", linkPath);
    old.put("at", "2025-03-10T08:15:30.123456789Z");
    byte[] bytes = new CBORMapper().writeValueAsBytes(old);
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    Object back =
        serialization
            .deserialize(bytes, JACKSON_CBOR_ID, UpsDevice.Connected.class.getName())
            .get();
    assertEquals(
        new UpsDevice.Connected(
            3,
            "192.0.2.10:51234",
            "node-1",
            linkPath,
            Instant.parse("2025-03-10T08:15:30.123456789Z")),
        back);
  }

  @Test
  void instantsAreWrittenAsNumbers() {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    byte[] bytes = serialization.serialize(new UpsDevice.ConnectionLost(AT)).get();
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    assertFalse(text.contains("2025-"), "an instant written as text: " + text);
  }

  @Test
  void actorRefsStillReachTheirActorAfterARoundTrip() {
    var attach =
        (UpsDevice.Attach)
            assertRoundTrip(
                new UpsDevice.Attach(
                    "192.0.2.10:51234", "node-1", link.ref(), attachReplies.ref()));
    attach.link().tell(new DeviceLink.Close("TAKEN_OVER"));
    link.expectMessage(new DeviceLink.Close("TAKEN_OVER"));
    attach.replyTo().tell(new UpsDevice.Attachment(1));
    attachReplies.expectMessage(new UpsDevice.Attachment(1));

    var recovered = (UpsDevice.State) assertRoundTrip(state());
    ActorRefResolver.get(testKit.system())
        .<DeviceLink.Message>resolveActorRef(((RegisteredDevice) recovered).session().link())
        .tell(new DeviceLink.Close("BYE"));
    link.expectMessage(new DeviceLink.Close("BYE"));
  }

  @Test
  void flagSetsSortedMapsAndInstantsKeepTheirValuesAndOrder() {
    var back =
        (UpsDevice.RecordTelemetry) assertRoundTrip(new UpsDevice.RecordTelemetry(3, telemetry()));
    Telemetry t = back.telemetry();
    assertEquals(AT, t.receivedAt());
    assertEquals(123_456_789, t.receivedAt().getNano(), "nanoseconds survive");
    assertEquals(ON_BATTERY, t.status());
    assertEquals(
        List.of("battery.charge", "battery.runtime", "input.frequency", "ups.load"),
        new ArrayList<>(t.measurements().keySet()));
    assertEquals(49.98, t.number(TelemetryVariable.INPUT_FREQUENCY));
    assertEquals("LowInputVoltage", t.text(TelemetryVariable.INPUT_TRANSFER_REASON));

    var changed =
        (UpsDevice.StatusChanged)
            assertRoundTrip(
                new UpsDevice.StatusChanged(
                    EnumSet.of(StatusFlag.OL), EnumSet.of(StatusFlag.OB, StatusFlag.TEST), AT));
    assertEquals(Set.of(StatusFlag.OB, StatusFlag.TEST), changed.to());

    TreeMap<String, String> details = new TreeMap<>(Map.of("to", "b", "from", "a", "attempt", "2"));
    var raised =
        (UpsDevice.EventRaised)
            assertRoundTrip(
                new UpsDevice.EventRaised(
                    EventType.FIRMWARE_UPDATED, Severity.INFO, null, null, -1, details, true, AT));
    SortedMap<String, String> backDetails = raised.details();
    assertEquals(List.of("attempt", "from", "to"), new ArrayList<>(backDetails.keySet()));
  }

  @Test
  void periodsUuidsTimelinesAndReplyRefsSurviveTheRoundTrip() {
    var applied =
        (UpsDevice.EntitlementsApplied)
            assertRoundTrip(
                new UpsDevice.EntitlementsApplied("asg-1", grants(), "alice", planRecord(), AT));
    assertEquals(Period.ofMonths(18), applied.grants().get(1).sku().term());
    assertEquals(Sku.Kind.BATTERY_WARRANTY, applied.grants().get(2).sku().kind());

    var summary = (UpsDevice.PlanSummary) assertRoundTrip(planSummary());
    assertEquals(
        List.of("trial", "asg-1", "trial"),
        summary.terms().stream().map(PlanTerm::assignmentId).toList());
    assertEquals(
        AT.plus(Duration.ofDays(31)).plusNanos(1),
        summary.terms().get(1).start(),
        "nanoseconds of a term boundary survive");
    assertEquals(new PlanTimeline(summary.terms()), timeline());

    var state = (LicenseOrder.State) assertRoundTrip(orderState());
    assertEquals(ACCOUNT, state.accountId());
    assertEquals(Set.of("asg-2", "asg-3"), state.pending().keySet());

    var reserve =
        (LicenseOrder.Reserve)
            assertRoundTrip(
                new LicenseOrder.Reserve(
                    ACCOUNT, List.of(reservation("asg-1")), "alice", orderReplies.ref()));
    reserve
        .replyTo()
        .tell(new LicenseOrder.Rejected(LicenseOrder.Reason.NOT_FOUND, "no such order"));
    orderReplies.expectMessage(
        new LicenseOrder.Rejected(LicenseOrder.Reason.NOT_FOUND, "no such order"));
    var apply =
        (UpsDevice.ApplyEntitlements)
            assertRoundTrip(
                new UpsDevice.ApplyEntitlements("asg-1", grants(), "alice", planReplies.ref()));
    apply.replyTo().tell(planSummary());
    planReplies.expectMessage(planSummary());
  }

  @Test
  void onlyCborSerializableTypesAreSerializable() {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    assertEquals(
        "jackson-cbor",
        testKit
            .system()
            .settings()
            .config()
            .getString(
                "pekko.actor.serialization-bindings.\"io.upsfleet.cluster.CborSerializable\""));
    assertFalse(
        testKit.system().settings().config().getBoolean("pekko.actor.allow-java-serialization"));
    record NotBound(String value) {}
    assertTrue(
        serialization.serialize(new NotBound("x")).isFailure(),
        "a record outside CborSerializable must not silently fall back to another serializer");
  }

  // ---------------------------------------------------------------------------------- helpers

  /**
   * Serializes with the serializer Pekko picks, checks it is jackson-cbor, and deserializes to an
   * equal object.
   */
  private static Object assertRoundTrip(Object message) {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    Serializer serializer = serialization.findSerializerFor(message);
    assertInstanceOf(
        JacksonCborSerializer.class, serializer, "serializer of " + message.getClass().getName());
    assertEquals(JACKSON_CBOR_ID, serializer.identifier());

    byte[] bytes = serialization.serialize(message).get();
    String manifest = Serializers.manifestFor(serializer, message);
    Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();
    assertNotSame(message, back);
    assertEquals(message.getClass(), back.getClass());
    assertEquals(message, back);

    // Pekko's own check agrees.
    testKit.serializationTestKit().verifySerialization(message, true);
    return back;
  }

  private static Stream<Arguments> named(Object... samples) {
    return Stream.of(samples)
        .map(s -> Arguments.of(s.getClass().getName().replace("io.upsfleet.cluster.", ""), s));
  }

  private static void collectConcrete(Class<?> type, Set<Class<?>> into) {
    if (type.isSealed()) {
      for (Class<?> sub : type.getPermittedSubclasses()) collectConcrete(sub, into);
    } else if (!type.isInterface() && !Modifier.isAbstract(type.getModifiers())) {
      into.add(type);
    }
  }

  /**
   * The package-private internal commands of {@link UpsDevice}, built reflectively from outside
   * their package.
   */
  private static Object internal(String simpleName, Object... args) {
    return internal(UpsDevice.class, simpleName, args);
  }

  /** A package-private nested record of {@code outer}, built reflectively. */
  private static Object internal(Class<?> outer, String simpleName, Object... args) {
    return internalOf(outer.getName() + "$" + simpleName, args);
  }

  /** A package-private record by binary name, built reflectively. */
  private static Object internalOf(String binaryName, Object... args) {
    try {
      Class<?> type = Class.forName(binaryName);
      Class<?>[] types =
          Stream.of(type.getRecordComponents())
              .map(RecordComponent::getType)
              .toArray(Class<?>[]::new);
      Constructor<?> constructor = type.getDeclaredConstructor(types);
      constructor.setAccessible(true);
      return constructor.newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot build " + binaryName, e);
    }
  }

  /**
   * Builds a record by component name; components not named get null, 0 or false. Keeps the samples
   * of the wide {@code State} and {@code Registered} readable and lets components be added with
   * defaults (the rule for persisted types) without touching this test; a renamed or removed
   * component fails here.
   */
  private static <R extends Record> R build(Class<R> type, Map<String, Object> values) {
    RecordComponent[] components = type.getRecordComponents();
    Set<String> unknown = new HashSet<>(values.keySet());
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      types[i] = c.getType();
      unknown.remove(c.getName());
      args[i] = values.containsKey(c.getName()) ? values.get(c.getName()) : defaultOf(c.getType());
    }
    assertTrue(unknown.isEmpty(), type.getSimpleName() + " has no components " + unknown);
    try {
      Constructor<R> constructor = type.getDeclaredConstructor(types);
      constructor.setAccessible(true);
      return constructor.newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("cannot build " + type.getName(), e);
    }
  }

  private static Object defaultOf(Class<?> type) {
    if (!type.isPrimitive()) return null;
    if (type == boolean.class) return false;
    if (type == long.class) return 0L;
    if (type == int.class) return 0;
    if (type == double.class) return 0.0;
    throw new IllegalArgumentException("no default for " + type);
  }
}
