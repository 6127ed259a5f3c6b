package io.upsfleet.gateway.mqtt;

import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.util.AttributeKey;
import io.upsfleet.cluster.operation.CommandMessage;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The state of one device connection, kept on its channel. Touched only on the channel's event
 * loop, so it needs no locks.
 */
final class DeviceSession implements DeviceSessions.Connection {
  static final AttributeKey<DeviceSession> KEY = AttributeKey.valueOf("upsfleet.session");

  /** Where the connection is in its life. */
  enum Phase {
    /** Accepted; waiting for CONNECT. */
    AWAITING_CONNECT,
    /** CONNECT received; authenticating and attaching to the entity. */
    AUTHENTICATING,
    /** CONNACK accepted sent; packets flow. */
    CONNECTED,
    /** Closing or closed; nothing more is processed. */
    CLOSED
  }

  /** A QoS 1 PUBLISH awaiting its PUBACK; PUBACKs leave in the order the PUBLISHes arrived. */
  static final class PendingAck {
    final int packetId;

    /** When the publish was read, for {@code mqtt_puback_latency}. */
    final long receivedNanos = System.nanoTime();

    boolean ready;

    PendingAck(int packetId) {
      this.packetId = packetId;
    }
  }

  final Channel channel;
  final String remoteAddress;
  Phase phase = Phase.AWAITING_CONNECT;
  String serial;

  /** Who the CONNECT claimed to be (a valid client id or user name), for the audit of a refusal. */
  String claimed;

  UUID accountId;
  long epoch;

  /** Where the device's samples go, for the per-sample path (set once authenticated). */
  DeviceSessions.TelemetrySink telemetry;

  /** Completed when the channel has closed. */
  final CompletableFuture<Void> closed = new CompletableFuture<>();

  DisconnectReason closeReason;

  /** Packets that arrived behind CONNECT before it was answered (clients may pipeline). */
  final ArrayDeque<MqttMessage> early = new ArrayDeque<>();

  final ArrayDeque<PendingAck> acks = new ArrayDeque<>();
  int inFlight;

  /** The translator of this connection (set when the session phase starts). */
  MqttTranslator translator;

  /** Whether the device subscribed to its command topic; commands wait (bounded) until it has. */
  boolean commandsSubscribed;

  final ArrayDeque<CommandMessage> undelivered = new ArrayDeque<>();

  /** Command publishes awaiting the device's PUBACK: packet id to command id. */
  final Map<Integer, String> outboundCommands = new HashMap<>();

  private int lastPacketId;

  /** The next free packet id for a server publish (1..65535, skipping ids still in flight). */
  int nextPacketId() {
    for (int i = 0; i < 65535; i++) {
      lastPacketId = lastPacketId % 65535 + 1;
      if (!outboundCommands.containsKey(lastPacketId)) return lastPacketId;
    }
    throw new IllegalStateException("no free packet id");
  }

  /**
   * Counts read pauses, so a stall check knows whether the pause it watches is still the same one.
   */
  long pauses;

  DeviceSession(Channel channel, String remoteAddress) {
    this.channel = channel;
    this.remoteAddress = remoteAddress;
  }

  @Override
  public void deliver(CommandMessage command) {
    channel
        .eventLoop()
        .execute(
            () -> {
              if (translator != null) translator.deliver(this, command);
            });
  }

  @Override
  public void end(boolean takenOver) {
    channel
        .eventLoop()
        .execute(() -> close(takenOver ? DisconnectReason.TAKEN_OVER : DisconnectReason.REFUSED));
  }

  @Override
  public CompletionStage<Void> closed() {
    return closed;
  }

  /** Records why the connection closes (the first reason wins) and closes it. */
  void close(DisconnectReason reason) {
    if (closeReason == null) closeReason = reason;
    phase = Phase.CLOSED;
    channel.close();
  }
}
