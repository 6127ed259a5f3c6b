package io.upsfleet.gateway.mqtt;

import static io.upsfleet.gateway.mqtt.EmbeddedEdge.SERIAL;
import static io.upsfleet.gateway.mqtt.EmbeddedEdge.publish;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.upsfleet.api.mqtt.DeviceTopic;
import io.upsfleet.cluster.operation.CommandMessage;
import io.upsfleet.cluster.operation.Operation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The session phase on an embedded channel (RELIABILITY.md, "MQTT protocol"): topic ACLs, QoS 2,
 * PINGREQ, and PUBACKs that wait for persistence. No network, no cluster.
 */
class SessionHandlerTest {
  private static final String EVENT =
      "{\"ts\":\"2026-11-28T10:00:00Z\",\"seq\":7,\"type\":\"SELF_TEST_FAILED\"}";
  private static final String SAMPLE =
      "{\"ts\":\"2026-11-28T10:00:00Z\",\"seq\":42,\"ups.status\":\"OL CHRG\"}";
  private static final String OTHER = "AS2411010002";

  private final EmbeddedEdge edge = new EmbeddedEdge();

  @BeforeEach
  void connect() {
    edge.connectDevice();
  }

  @Test
  void pingreqIsAnsweredWithPingresp() {
    edge.send(0xC0, 0x00);
    assertEquals("d000", edge.received());
    assertTrue(edge.channel.isOpen());
  }

  @Test
  void aPublishOnAnotherDevicesTopicClosesAndIsAudited() {
    edge.send(publish(DeviceTopic.telemetry(OTHER).topic(), MqttQoS.AT_MOST_ONCE, 0, SAMPLE));
    assertEquals("", edge.received());
    assertFalse(edge.channel.isOpen());
    assertEquals(1, edge.disconnects(DisconnectReason.TOPIC_NOT_ALLOWED));
    assertEquals(
        List.of("device:" + SERIAL + " mqtt.publish ups/" + OTHER + "/telemetry DENIED"),
        edge.sessions.audits);
    assertTrue(edge.sessions.samples.isEmpty());
  }

  @Test
  void aQos2PublishCloses() {
    edge.send(publish(DeviceTopic.telemetry(SERIAL).topic(), MqttQoS.EXACTLY_ONCE, 3, SAMPLE));
    assertEquals("", edge.received());
    assertFalse(edge.channel.isOpen());
    assertEquals(1, edge.disconnects(DisconnectReason.UNSUPPORTED_QOS));
    assertTrue(edge.sessions.samples.isEmpty());
  }

  @Test
  void aSubscriptionToAForbiddenTopicIsRefusedWith0x80AndTheOwnOneGranted() {
    edge.send(
        MqttMessageBuilders.subscribe()
            .messageId(5)
            .addSubscription(MqttQoS.AT_LEAST_ONCE, DeviceTopic.commands(OTHER).topic())
            .addSubscription(MqttQoS.AT_LEAST_ONCE, "$SYS/#")
            .addSubscription(MqttQoS.AT_LEAST_ONCE, DeviceTopic.commands(SERIAL).topic())
            .build());
    // SUBACK, packet id 5, return codes: failure, failure, QoS 1
    assertEquals("9005" + "0005" + "80" + "80" + "01", edge.received());
    assertTrue(edge.channel.isOpen());
    assertEquals(
        1, edge.sessions.audits.size(), "one audit row per refused packet, not per filter");
  }

  @Test
  void anEventIsAcknowledgedOnlyOnceItIsPersisted() {
    edge.send(publish(DeviceTopic.events(SERIAL).topic(), MqttQoS.AT_LEAST_ONCE, 9, EVENT));
    assertEquals(1, edge.sessions.events.size());
    assertEquals("", edge.received(), "no PUBACK before persistence");

    edge.sessions.pendingEvents.poll().complete(null);
    edge.runTasks();
    assertEquals("40020009", edge.received(), "PUBACK 9 once persisted");
    assertTrue(edge.channel.isOpen());
  }

  @Test
  void anEventThatIsNotPersistedIsNeverAcknowledgedAndTheConnectionCloses() {
    edge.send(publish(DeviceTopic.events(SERIAL).topic(), MqttQoS.AT_LEAST_ONCE, 9, EVENT));
    edge.sessions.pendingEvents.poll().completeExceptionally(new IllegalStateException("journal"));
    edge.runTasks();
    assertEquals("", edge.received(), "no PUBACK");
    assertFalse(edge.channel.isOpen(), "closed so the device re-sends after reconnecting");
    assertEquals(1, edge.disconnects(DisconnectReason.PERSIST_FAILED));
  }

  @Test
  void acknowledgementsKeepThePublishOrderBehindAPendingEvent() {
    edge.send(publish(DeviceTopic.events(SERIAL).topic(), MqttQoS.AT_LEAST_ONCE, 1, EVENT));
    edge.send(publish(DeviceTopic.telemetry(SERIAL).topic(), MqttQoS.AT_LEAST_ONCE, 2, SAMPLE));
    assertEquals(1, edge.sessions.samples.size(), "the sample went through at once");
    edge.sessions.pendingSamples.poll().complete(null);
    edge.runTasks();
    assertEquals("", edge.received(), "its PUBACK waits behind the event's");

    edge.sessions.pendingEvents.poll().complete(null);
    edge.runTasks();
    assertEquals("40020001" + "40020002", edge.received());
  }

  @Test
  void aQos1SampleIsAcknowledgedOnlyOnceWhatItChangedIsStored() {
    edge.send(publish(DeviceTopic.telemetry(SERIAL).topic(), MqttQoS.AT_LEAST_ONCE, 4, SAMPLE));
    assertEquals(1, edge.sessions.samples.size());
    assertEquals("", edge.received(), "no PUBACK before the entity stored what it changed");

    edge.sessions.pendingSamples.poll().complete(null);
    edge.runTasks();
    assertEquals("40020004", edge.received(), "PUBACK 4 once stored");
  }

  @Test
  void aQos1SampleThatCannotBeStoredIsNeverAcknowledgedAndTheConnectionCloses() {
    edge.send(publish(DeviceTopic.telemetry(SERIAL).topic(), MqttQoS.AT_LEAST_ONCE, 4, SAMPLE));
    edge.sessions.pendingSamples.poll().completeExceptionally(new IllegalStateException("journal"));
    edge.runTasks();
    assertEquals("", edge.received(), "no PUBACK: the device keeps the sample and sends it again");
    assertFalse(edge.channel.isOpen());
    assertEquals(1, edge.disconnects(DisconnectReason.PERSIST_FAILED));
  }

  @Test
  void aQos0SampleIsHandedOverWithoutWaiting() {
    edge.send(publish(DeviceTopic.telemetry(SERIAL).topic(), MqttQoS.AT_MOST_ONCE, 0, SAMPLE));
    assertEquals(1, edge.sessions.samples.size());
    assertTrue(edge.sessions.pendingSamples.isEmpty());
    assertTrue(edge.channel.isOpen());
  }

  @Test
  void anOperationIsReportedPublishedOnlyOnceItsPublishIsWrittenAndDeliveredOnItsPuback() {
    CommandMessage op =
        new CommandMessage(
            "op-1",
            new Operation.SelfTest(),
            Instant.parse("2026-11-28T10:00:00Z"),
            Instant.parse("2026-11-28T11:00:00Z"));
    edge.sessions.connection.deliver(op);
    edge.runTasks();
    assertEquals("", edge.received(), "held until the device subscribes to its command topic");
    assertTrue(edge.sessions.published.isEmpty(), "nothing reported published that did not leave");

    edge.send(
        MqttMessageBuilders.subscribe()
            .messageId(5)
            .addSubscription(MqttQoS.AT_LEAST_ONCE, DeviceTopic.commands(SERIAL).topic())
            .build());
    edge.runTasks();
    String out = edge.received();
    assertTrue(out.startsWith("900300050132"), "SUBACK then the PUBLISH (QoS 1): " + out);
    assertTrue(out.contains(hex("\"id\":\"op-1\"")), "the operation's payload: " + out);
    assertEquals(List.of("op-1"), edge.sessions.published);
    assertTrue(edge.sessions.delivered.isEmpty(), "not delivered before the device's PUBACK");

    edge.send(0x40, 0x02, 0x00, 0x01); // PUBACK of packet 1
    assertEquals(List.of("op-1"), edge.sessions.delivered);
  }

  private static String hex(String text) {
    StringBuilder b = new StringBuilder();
    for (byte x : text.getBytes(StandardCharsets.UTF_8)) b.append(String.format("%02x", x));
    return b.toString();
  }
}
