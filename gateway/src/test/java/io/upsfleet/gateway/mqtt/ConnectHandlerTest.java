package io.upsfleet.gateway.mqtt;

import static io.upsfleet.gateway.mqtt.EmbeddedEdge.SECRET;
import static io.upsfleet.gateway.mqtt.EmbeddedEdge.SERIAL;
import static io.upsfleet.gateway.mqtt.EmbeddedEdge.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The connect phase on an embedded channel (RELIABILITY.md, "MQTT protocol"): CONNACK codes for
 * each refusal, and the cases that close without one. No network, no cluster.
 */
class ConnectHandlerTest {
  private final EmbeddedEdge edge = new EmbeddedEdge();

  @Test
  void aValidConnectIsAcceptedAndAttachesTheSession() {
    edge.connectDevice();
    assertTrue(edge.channel.isOpen());
    assertEquals(List.of(SERIAL), edge.sessions.attached);
  }

  @Test
  void anEmptyClientIdIsRefusedWithIdentifierRejected() {
    edge.send(connect("", SERIAL, SECRET));
    assertRefused("20020002");
  }

  @Test
  void aWrongPasswordIsRefusedWithBadCredentials() {
    edge.send(connect(SERIAL, SERIAL, "wrong"));
    assertRefused("20020004");
    assertEquals(
        List.of("device:" + SERIAL + " mqtt.connect " + SERIAL + " DENIED"), edge.sessions.audits);
  }

  @Test
  void anUnknownSerialIsRefusedLikeAWrongPassword() {
    edge.send(connect("AS0000000000", "AS0000000000", SECRET));
    assertRefused("20020004");
  }

  @Test
  void aClientIdOtherThanTheUserNameIsRefusedAsNotAuthorized() {
    edge.send(connect("AS2411010002", SERIAL, SECRET));
    assertRefused("20020005");
  }

  @Test
  void protocolLevel5IsRefusedWithUnacceptableProtocolVersion() {
    edge.send(
        MqttMessageBuilders.connect()
            .protocolVersion(MqttVersion.MQTT_5)
            .clientId(SERIAL)
            .username(SERIAL)
            .password(SECRET.getBytes(StandardCharsets.UTF_8))
            .cleanSession(true)
            .keepAlive(60)
            .build());
    assertRefused("20020001");
  }

  @Test
  void anEntityThatDoesNotAttachIsServerUnavailable() {
    edge.sessions.refuseAttach = true;
    edge.send(connect(SERIAL, SERIAL, SECRET));
    assertRefused("20020003");
  }

  @Test
  void aFirstPacketOtherThanConnectClosesWithoutAnswer() {
    edge.send(0xC0, 0x00); // PINGREQ
    assertEquals("", edge.received());
    assertFalse(edge.channel.isOpen());
    assertEquals(1, edge.disconnects(DisconnectReason.PROTOCOL_VIOLATION));
    assertTrue(edge.sessions.attached.isEmpty());
  }

  @Test
  void aSecondConnectClosesAndEndsTheFirstSession() {
    edge.connectDevice();
    edge.send(connect(SERIAL, SERIAL, SECRET));
    assertEquals("", edge.received());
    assertFalse(edge.channel.isOpen());
    assertEquals(1, edge.disconnects(DisconnectReason.PROTOCOL_VIOLATION));
    assertEquals(
        List.of(SERIAL + "/" + FakeDeviceSessions.EPOCH + "/PROTOCOL_VIOLATION"),
        edge.sessions.detached);
  }

  private void assertRefused(String connack) {
    assertEquals(connack, edge.received(), "CONNACK");
    assertFalse(edge.channel.isOpen(), "closed after the refusal");
    assertEquals(1, edge.disconnects(DisconnectReason.REFUSED));
  }
}
