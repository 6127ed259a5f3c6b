package io.upsfleet.cluster.device;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.upsfleet.cluster.command.CommandReport;
import io.upsfleet.cluster.command.CommandType;
import io.upsfleet.cluster.command.DeviceCommand;
import io.upsfleet.cluster.device.UpsDevice.*;
import io.upsfleet.cluster.licensing.Grant;
import io.upsfleet.cluster.plan.Sku;
import io.upsfleet.cluster.plan.TermSource;
import io.upsfleet.cluster.testing.EntityTestConfig;
import io.upsfleet.cluster.testing.TestClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.Test;

/** One-off: writes a device journal with the code of 2026-12-06 (before the entity reshape). */
class LegacyJournalWriterTest {
  @Test
  void write() throws Exception {
    ActorTestKit testKit = ActorTestKit.create("Legacy", EntityTestConfig.testkit());
    DeviceSettings settings =
        DeviceSettings.fromConfig(ConfigFactory.defaultReference().resolve());
    TestClock clock = new TestClock(Instant.parse("2025-03-10T08:00:00Z"));
    TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();
    String serial = "AS1LEGACY01";
    var kit =
        EventSourcedBehaviorTestKit.<Command, Event, State>create(
            testKit.system(), UpsDevice.create(serial, shard.ref(), settings, clock));
    List<Event> events = new ArrayList<>();
    events.addAll(kit.<Confirmation>runCommand(r -> new Register("SMT1500C", "acct-legacy", r)).events());
    Grant grant = new Grant(Sku.parse("SMARTCONNECT-ADVANCED-1Y").orElseThrow(), TermSource.LICENSE, null);
    events.addAll(kit.<PlanReply>runCommand(r -> new ApplyEntitlements("asg-legacy", List.of(grant), "support", r)).events());
    TestProbe<DeviceLink.Message> link = testKit.createTestProbe();
    clock.advance(Duration.ofMinutes(1));
    var att = kit.<AttachReply>runCommand(r -> new Attach("192.0.2.10:1", "node-1", link.ref(), r));
    events.addAll(att.events());
    long epoch = ((Attachment) att.reply()).epoch();
    long[] seq = {0};
    java.util.function.BiFunction<String, Map<String, String>, Telemetry> sample =
        (st, texts) -> {
          Set<StatusFlag> flags = EnumSet.noneOf(StatusFlag.class);
          for (String t : st.split(" ")) flags.add(StatusFlag.fromToken(t).orElseThrow());
          Instant now = clock.instant();
          return new Telemetry(now.minusMillis(400), now, ++seq[0], flags, new TreeMap<>(), new TreeMap<>(texts), false);
        };
    clock.advance(Duration.ofSeconds(10));
    events.addAll(kit.runCommand(new RecordTelemetry(epoch, sample.apply("OL", Map.of("ups.firmware", "UPS 09.2 / ID=18")))).events());
    clock.advance(Duration.ofSeconds(10));
    events.addAll(kit.runCommand(new RecordTelemetry(epoch, sample.apply("OB DISCHRG", Map.of("ups.firmware", "UPS 09.2 / ID=18")))).events());
    clock.advance(Duration.ofSeconds(10));
    events.addAll(kit.runCommand(new RecordTelemetry(epoch, sample.apply("OL", Map.of("ups.firmware", "UPS 09.2 / ID=18")))).events());
    clock.advance(Duration.ofSeconds(10));
    var rep = new DeviceEventReport(clock.instant().minusSeconds(1), clock.instant(), 7, EventType.BATTERY_REPLACE, new TreeMap<>(), false);
    events.addAll(kit.<Confirmation>runCommand(r -> new RecordEvent(epoch, rep, r)).events());
    var req = kit.<CommandReply>runCommand(r -> new RequestCommand(CommandType.OUTLET_GROUP_REBOOT,
        new TreeMap<>(Map.of("group", "1", "offDelaySeconds", "5", "onDelaySeconds", "10")), Duration.ofHours(1), "alice", "k1", r));
    events.addAll(req.events());
    DeviceCommand reboot = ((CommandAccepted) req.reply()).command();
    events.addAll(kit.runCommand(new CommandDelivered(epoch, reboot.id())).events());
    clock.advance(Duration.ofSeconds(10));
    Instant now = clock.instant();
    var res = new CommandReport(reboot.id(), CommandReport.Status.SUCCEEDED, null, -1, null, null, now, now);
    events.addAll(kit.<Confirmation>runCommand(r -> new RecordCommandResult(epoch, res, r)).events());
    var sens = kit.<CommandReply>runCommand(r -> new RequestCommand(CommandType.SET_INPUT_SENSITIVITY,
        new TreeMap<>(Map.of("sensitivity", "low")), Duration.ofHours(1), "alice", null, r));
    events.addAll(sens.events());
    DeviceCommand s = ((CommandAccepted) sens.reply()).command();
    var sres = new CommandReport(s.id(), CommandReport.Status.SUCCEEDED, null, -1, null, null, now, now);
    events.addAll(kit.<Confirmation>runCommand(r -> new RecordCommandResult(epoch, sres, r)).events());
    var test = kit.<CommandReply>runCommand(r -> new RequestCommand(CommandType.SELF_TEST,
        new TreeMap<>(), Duration.ofMinutes(30), "alice", null, r));
    events.addAll(test.events());
    events.addAll(kit.runCommand(new Detach(epoch, "CLIENT_DISCONNECT")).events());
    var pending = kit.<CommandReply>runCommand(r -> new RequestCommand(CommandType.SELF_TEST,
        new TreeMap<>(), Duration.ofHours(2), "bob", null, r));
    events.addAll(pending.events());
    clock.advance(Duration.ofMinutes(3));
    events.addAll(kit.runCommand(new Wake()).events());
    clock.advance(Duration.ofMinutes(30));
    events.addAll(kit.runCommand(new Wake()).events());

    Serialization ser = SerializationExtension.get(testKit.system().classicSystem());
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("persistenceId", "UpsDevice|" + serial);
    root.put("writtenBy", "upsfleet 0.1.0-SNAPSHOT, commit f362f0b (before the UpsDevice reshape)");
    ArrayNode arr = root.putArray("events");
    for (Event e : events) {
      var serializer = ser.findSerializerFor(e);
      ObjectNode n = arr.addObject();
      n.put("serializerId", serializer.identifier());
      n.put("manifest", Serializers.manifestFor(serializer, e));
      n.put("payload", Base64.getEncoder().encodeToString(serializer.toBinary(e)));
      n.put("debug", e.toString());
    }
    State st = kit.getState();
    var snapSer = ser.findSerializerFor(st);
    ObjectNode snap = root.putObject("snapshot");
    snap.put("serializerId", snapSer.identifier());
    snap.put("manifest", Serializers.manifestFor(snapSer, st));
    snap.put("payload", Base64.getEncoder().encodeToString(snapSer.toBinary(st)));
    snap.put("sequenceNr", events.size());
    ObjectNode expect = root.putObject("expectedState");
    expect.put("status", st.status().toString());
    expect.put("firmware", st.firmware());
    expect.put("online", st.online());
    expect.put("connectionLost", st.connectionLost());
    expect.put("desiredSensitivity", st.desiredSensitivity());
    expect.put("epoch", st.epoch());
    ObjectNode cmds = expect.putObject("commands");
    for (DeviceCommand c : st.commands()) cmds.put(c.type() + "/" + c.requestedBy() + "/" + c.id(), c.status().name());
    expect.put("plan", UpsDevice.planAt(st, clock.instant()).plan().name());
    expect.put("at", clock.instant().toString());
    Files.writeString(Path.of("src/test/resources/legacy-journal/upsdevice-2026-12-06.json"),
        json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    testKit.shutdownTestKit();
  }
}
