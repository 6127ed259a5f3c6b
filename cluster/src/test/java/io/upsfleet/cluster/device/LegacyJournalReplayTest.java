package io.upsfleet.cluster.device;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.upsfleet.cluster.device.UpsDevice.Attach;
import io.upsfleet.cluster.device.UpsDevice.AttachReply;
import io.upsfleet.cluster.device.UpsDevice.Attachment;
import io.upsfleet.cluster.device.UpsDevice.Command;
import io.upsfleet.cluster.device.UpsDevice.Event;
import io.upsfleet.cluster.device.UpsDevice.State;
import io.upsfleet.cluster.operation.CommandStatus;
import io.upsfleet.cluster.operation.DeviceCommand;
import io.upsfleet.cluster.plan.Plan;
import io.upsfleet.cluster.testing.EntityTestConfig;
import io.upsfleet.cluster.testing.TestClock;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import scala.util.Try;

/**
 * A journal written by the entity before its reshape (December 2026, commit f362f0b) still replays
 * into the same device: the events are deserialized from their stored bytes (serializer id,
 * manifest, payload) and recovered by a fresh entity of the same persistence id. The old state
 * snapshot is not needed, and not readable as the new state type: recovery must not depend on it
 * (the product sets {@code snapshot-is-optional}).
 */
class LegacyJournalReplayTest {

  private static final String RESOURCE = "legacy-journal/upsdevice-2026-12-06.json";

  private static final ActorTestKit testKit =
      ActorTestKit.create("LegacyJournalReplayTest", EntityTestConfig.testkit());

  @AfterAll
  static void shutdownTestKit() {
    testKit.shutdownTestKit();
  }

  private final JsonNode journal = read();
  private final String persistenceId = journal.get("persistenceId").asText();
  private final String serial = persistenceId.substring(persistenceId.indexOf('|') + 1);
  private final JsonNode expected = journal.get("expectedState");
  private final Instant at = Instant.parse(expected.get("at").asText());
  private final TestClock clock = new TestClock(at);
  private final TestProbe<ClusterSharding.ShardCommand> shard = testKit.createTestProbe();

  @Test
  void theOldEventsReplayIntoTheExpectedDevice() {
    List<Event> events = events();
    assertThat(events).hasSize(journal.get("events").size());

    State recovered = recover(events, settings(""));

    assertThat(recovered).isInstanceOf(RegisteredDevice.class);
    RegisteredDevice s = (RegisteredDevice) recovered;
    assertThat(s.serial()).isEqualTo(serial);
    assertThat(s.model()).isEqualTo("SMT1500C");
    assertThat(s.accountId()).isEqualTo("acct-legacy");
    assertThat(s.health().status()).isEqualTo(Set.of(StatusFlag.OL)); // "[OL]"
    assertThat(expected.get("status").asText()).isEqualTo("[OL]");
    assertThat(s.health().firmware()).isEqualTo(expected.get("firmware").asText());
    assertThat(s.health().newest()).as("old events carry no sample order").isNull();
    assertThat(s.health().recentReports())
        .containsExactly("7|BATTERY_REPLACE|2025-03-10T08:01:39Z");
    assertThat(s.session().online()).isEqualTo(expected.get("online").asBoolean()).isFalse();
    assertThat(s.session().connectionLost())
        .isEqualTo(expected.get("connectionLost").asBoolean())
        .isTrue();
    assertThat(s.session().epoch()).isEqualTo(expected.get("epoch").asLong());
    assertThat(s.operations().desiredSensitivity())
        .isEqualTo(expected.get("desiredSensitivity").asText())
        .isEqualTo("low");
    assertThat(s.operations().firmwareOffered()).isEqualTo("UPS 09.8 / ID=18");

    Map<String, String> commands = new LinkedHashMap<>();
    for (DeviceCommand c : s.operations().commands()) {
      commands.put(c.type() + "/" + c.requestedBy() + "/" + c.id(), c.status().name());
    }
    Map<String, String> expectedCommands = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = expected.get("commands").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      expectedCommands.put(e.getKey(), e.getValue().asText());
    }
    assertThat(commands).isEqualTo(expectedCommands);
    assertThat(commands.values())
        .as("the reboot SUCCEEDED (SENT then ACKNOWLEDGED on its PUBACK, as before DELIVERED)")
        .containsExactly("SUCCEEDED", "SUCCEEDED", "TIMED_OUT", "PENDING");

    assertThat(s.planAt(at).plan()).isEqualTo(Plan.valueOf(expected.get("plan").asText()));
    assertThat(s.planAt(at).plan()).isEqualTo(Plan.ADVANCED);

    // Replay depends on nothing but the events: another configuration gives the same device.
    assertThat(
            recover(
                events,
                settings(
                    "trial-length = 1m, warranty = 1y, battery-warranty = 1y,"
                        + " trial-battery-bonus = 0d,"
                        + " warranty-monitoring-cutoff = \"2030-01-01T00:00:00Z\"")))
        .isEqualTo(s);

    // The recovered state is written as the new snapshot type and reads back equal.
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    byte[] bytes = serialization.serialize(s).get();
    assertThat(serialization.deserialize(bytes, RegisteredDevice.class).get()).isEqualTo(s);
  }

  @Test
  void theRecoveredDeviceCarriesOnItsPendingOperationGoesOutOnConnect() {
    EventSourcedBehaviorTestKit<Command, Event, State> kit = kit(settings(""));
    kit.clear();
    kit.persistenceTestKit().persistForRecovery(persistenceId, new ArrayList<>(events()));
    kit.restart();
    String pending =
        ((RegisteredDevice) kit.getState())
            .operations().commands().stream()
                .filter(c -> c.status() == CommandStatus.PENDING)
                .findFirst()
                .orElseThrow()
                .id();

    TestProbe<DeviceLink.Message> link = testKit.createTestProbe();
    var attached =
        kit.<AttachReply>runCommand(r -> new Attach("192.0.2.10:2", "node-1", link.ref(), r));
    assertThat(attached.reply()).isEqualTo(new Attachment(2));
    assertThat(attached.events())
        .anyMatch(
            e -> e instanceof UpsDevice.EventRaised r && r.type() == EventType.CONNECTION_RESTORED);
    assertThat(link.expectMessageClass(DeviceLink.Deliver.class).command().id()).isEqualTo(pending);
  }

  /**
   * The snapshot the old code wrote has the manifest of the old state record, now the sealed
   * interface {@link UpsDevice.State}: it cannot be read as the new state, so a recovery that
   * relied on it would fail. The events alone recover the device (above).
   */
  @Test
  void theOldSnapshotDoesNotDeserializeIntoTheNewStateType() {
    JsonNode snapshot = journal.get("snapshot");
    assertThat(snapshot.get("manifest").asText())
        .isEqualTo("io.upsfleet.cluster.device.UpsDevice$State");
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    Try<Object> read =
        serialization.deserialize(
            Base64.getDecoder().decode(snapshot.get("payload").asText()),
            snapshot.get("serializerId").asInt(),
            snapshot.get("manifest").asText());
    assertThat(read.isFailure())
        .as("the old snapshot read as %s", read.isSuccess() ? read.get() : null)
        .isTrue();
  }

  // ------------------------------------------------------------------------------------ helpers

  /** A fresh entity of the journal's persistence id, recovered from {@code events} alone. */
  private State recover(List<Event> events, DeviceSettings settings) {
    EventSourcedBehaviorTestKit<Command, Event, State> kit = kit(settings);
    kit.clear(); // the journal of this persistence id is shared by the tests of this class
    kit.persistenceTestKit().persistForRecovery(persistenceId, new ArrayList<>(events));
    return kit.restart().state();
  }

  private EventSourcedBehaviorTestKit<Command, Event, State> kit(DeviceSettings settings) {
    return EventSourcedBehaviorTestKit.create(
        testKit.system(),
        UpsDevice.create(serial, shard.ref(), settings, clock),
        EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  /** reference.conf's {@code upsfleet.devices} with {@code overrides} (HOCON) on top. */
  private static DeviceSettings settings(String overrides) {
    return DeviceSettings.fromConfig(
        ConfigFactory.parseString("upsfleet.devices {" + overrides + "}")
            .withFallback(ConfigFactory.defaultReference())
            .resolve());
  }

  /** The journal's events, each deserialized from its stored bytes as Pekko would. */
  private List<Event> events() {
    Serialization serialization = SerializationExtension.get(testKit.system().classicSystem());
    List<Event> events = new ArrayList<>();
    for (JsonNode e : journal.get("events")) {
      Object event =
          serialization
              .deserialize(
                  Base64.getDecoder().decode(e.get("payload").asText()),
                  e.get("serializerId").asInt(),
                  e.get("manifest").asText())
              .get();
      assertThat(event).as(e.get("debug").asText()).isInstanceOf(Event.class);
      events.add((Event) event);
    }
    return events;
  }

  private static JsonNode read() {
    try (InputStream in =
        LegacyJournalReplayTest.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      assertThat(in).as(RESOURCE).isNotNull();
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
