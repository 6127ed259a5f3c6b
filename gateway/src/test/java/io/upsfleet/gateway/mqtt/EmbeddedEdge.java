package io.upsfleet.gateway.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The real MQTT pipeline (guard, decoder, encoder, connect and session handlers) on an {@link
 * EmbeddedChannel}, over {@link FakeDeviceSessions}: the test writes client packets as bytes and
 * reads the server's answers as bytes. Single-threaded: every task the handlers queue runs before
 * {@link #send} returns.
 */
final class EmbeddedEdge {
  static final String SERIAL = "AS2411010001";
  static final String SECRET = "correct-horse";
  static final Instant NOW = Instant.parse("2026-11-28T10:00:30Z");
  static final MqttSettings SETTINGS =
      new MqttSettings(
          "127.0.0.1",
          0,
          64 * 1024,
          Duration.ofSeconds(10),
          Duration.ofSeconds(60),
          16,
          Duration.ofSeconds(10),
          Duration.ZERO, // refusals answered at once: no waiting in tests
          Duration.ofMinutes(5),
          100,
          Duration.ofSeconds(10),
          1000,
          1,
          4,
          4,
          Duration.ZERO);

  final FakeDeviceSessions sessions = new FakeDeviceSessions(SERIAL, SECRET);
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final EmbeddedChannel channel;
  private final EmbeddedChannel client = new EmbeddedChannel(MqttEncoder.INSTANCE);

  EmbeddedEdge() {
    MqttEdge edge =
        new MqttEdge(
            SETTINGS, sessions, new MqttMetrics(registry), Clock.fixed(NOW, ZoneOffset.UTC));
    channel =
        new EmbeddedChannel(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                MqttChannelInitializer.configure(ch.pipeline(), edge);
              }
            });
  }

  /** Encodes {@code message} as a client would and feeds its bytes to the server. */
  void send(MqttMessage message) {
    client.writeOutbound(message);
    ByteBuf bytes = client.readOutbound();
    send(bytes);
  }

  /** Feeds raw bytes to the server. */
  void send(int... bytes) {
    byte[] raw = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) raw[i] = (byte) bytes[i];
    send(Unpooled.wrappedBuffer(raw));
  }

  private void send(ByteBuf bytes) {
    if (channel.isOpen()) channel.writeInbound(bytes);
    else bytes.release();
    channel.runPendingTasks();
  }

  /** Runs what completions queued on the event loop. */
  void runTasks() {
    channel.runPendingTasks();
  }

  /** Everything the server wrote since the last call, as hex. */
  String received() {
    StringBuilder hex = new StringBuilder();
    for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
      hex.append(ByteBufUtil.hexDump(b));
      b.release();
    }
    return hex.toString();
  }

  /** How many connections were closed for {@code reason}. */
  double disconnects(DisconnectReason reason) {
    return registry.counter("mqtt_disconnects", "reason", reason.label()).count();
  }

  /** A device's CONNECT in MQTT 3.1.1. */
  static MqttMessage connect(String clientId, String user, String password) {
    return MqttMessageBuilders.connect()
        .protocolVersion(MqttVersion.MQTT_3_1_1)
        .clientId(clientId)
        .username(user)
        .password(password == null ? null : password.getBytes(StandardCharsets.UTF_8))
        .hasUser(user != null)
        .hasPassword(password != null)
        .cleanSession(true)
        .keepAlive(60)
        .build();
  }

  /** Connects the known device and checks the CONNACK is "accepted". */
  void connectDevice() {
    send(connect(SERIAL, SERIAL, SECRET));
    assertEquals("20020000", received(), "CONNACK accepted");
  }

  static MqttMessage publish(String topic, MqttQoS qos, int packetId, String payload) {
    return MqttMessageBuilders.publish()
        .topicName(topic)
        .qos(qos)
        .retained(false)
        .messageId(packetId)
        .payload(Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8))
        .build();
  }
}
