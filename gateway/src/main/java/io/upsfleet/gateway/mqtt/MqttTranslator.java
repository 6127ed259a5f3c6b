package io.upsfleet.gateway.mqtt;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.upsfleet.api.mqtt.DeviceTopic;
import io.upsfleet.cluster.device.DeviceEventReport;
import io.upsfleet.cluster.device.Telemetry;
import io.upsfleet.cluster.device.TelemetryVariable;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where MQTT publishes become domain commands: telemetry is parsed, validated and
 * told to the entity (acknowledged at once: a rejected sample is a poison message and is
 * acknowledged too, so the device does not re-send it forever); a device event is acknowledged only
 * once persisted. Runs on the channel's event loop; completions hop back onto it.
 */
final class MqttTranslator {
  private static final Logger log = LoggerFactory.getLogger(MqttTranslator.class);
  private static final int MAX_UNDELIVERED = 32;
  private final MqttEdge edge;
  private final SessionHandler handler;

  MqttTranslator(MqttEdge edge, SessionHandler handler) {
    this.edge = edge;
    this.handler = handler;
  }

  void onPublish(
      DeviceSession session, DeviceTopic topic, byte[] payload, DeviceSession.PendingAck ack) {
    Instant now = edge.clock.instant();
    switch (topic.kind()) {
      case TELEMETRY -> onTelemetry(session, payload, now, ack);
      case EVENTS -> onEvent(session, payload, now, ack);
      case COMMAND_RESULTS -> onCommandResult(session, payload, now, ack);
      default ->
          handler.acknowledge(
              session, ack); // not publishable by devices: refused before this point
    }
  }

  /** A device's report on a command: acknowledged once persisted, like an event. */
  private void onCommandResult(
      DeviceSession session, byte[] payload, Instant now, DeviceSession.PendingAck ack) {
    edge.metrics.messageIn("command_result");
    ParseResult<CommandReport> result = edge.commandResultParser.parse(payload, now);
    if (result instanceof ParseResult.Rejected<CommandReport> r) {
      edge.metrics.rejected(r.reason());
      log.debug("command result of {} rejected: {} {}", session.serial, r.reason(), r.detail());
      handler.acknowledge(session, ack);
      return;
    }
    CommandReport report = ((ParseResult.Accepted<CommandReport>) result).value();
    handler.inFlightStarted(session);
    edge.sessions
        .recordCommandResult(session.serial, session.epoch, report)
        .whenComplete(
            (taken, err) ->
                session
                    .channel
                    .eventLoop()
                    .execute(
                        () -> {
                          handler.inFlightEnded(session);
                          if (session.phase != DeviceSession.Phase.CONNECTED) return;
                          if (err == null) {
                            // Accepted, or refused for good (an unknown id): either way the device
                            // must not re-send it.
                            handler.acknowledge(session, ack);
                          } else {
                            log.warn("command result of {} not persisted: {}", session.serial, err);
                            session.close(DisconnectReason.PERSIST_FAILED);
                          }
                        }));
  }

  /**
   * Publishes a command to the device (QoS 1), or holds it until the device subscribes to its
   * command topic.
   */
  void deliver(DeviceSession session, CommandMessage command) {
    if (session.phase == DeviceSession.Phase.CLOSED) return; // the entity re-sends on reconnect
    // During CONNECT the entity re-sends before the CONNACK: such commands wait here for the
    // SUBSCRIBE.
    if (session.phase != DeviceSession.Phase.CONNECTED || !session.commandsSubscribed) {
      if (session.undelivered.size() >= MAX_UNDELIVERED) session.undelivered.poll();
      session.undelivered.add(command);
      return;
    }
    int packetId = session.nextPacketId();
    session.outboundCommands.put(packetId, command.id());
    byte[] json = CommandJson.render(command);
    session.channel.writeAndFlush(
        MqttMessageBuilders.publish()
            .topicName(DeviceTopic.commands(session.serial).topic())
            .qos(MqttQoS.AT_LEAST_ONCE)
            .retained(false)
            .messageId(packetId)
            .payload(Unpooled.wrappedBuffer(json))
            .build());
    edge.metrics.messageOut("command");
  }

  void onCommandsSubscribed(DeviceSession session) {
    session.commandsSubscribed = true;
    while (!session.undelivered.isEmpty()) deliver(session, session.undelivered.poll());
  }

  void onCommandAck(DeviceSession session, int packetId) {
    String commandId = session.outboundCommands.remove(packetId);
    if (commandId != null) edge.sessions.commandDelivered(session.serial, session.epoch, commandId);
  }

  private void onTelemetry(
      DeviceSession session, byte[] payload, Instant now, DeviceSession.PendingAck ack) {
    edge.metrics.messageIn("telemetry");
    ParseResult<Telemetry> result = edge.telemetryParser.parse(payload, now);
    String claimed =
        result instanceof ParseResult.Accepted<Telemetry> a
            ? a.value().text(TelemetryVariable.UPS_SERIAL)
            : null;
    if (claimed != null && !claimed.equals(session.serial)) {
      // A sample naming another device is not this device's: refused whole, like any invalid value.
      edge.metrics.rejected(PayloadRejection.INVALID_VALUE);
      log.debug("telemetry of {} rejected: ups.serial names {}", session.serial, claimed);
    } else if (result instanceof ParseResult.Accepted<Telemetry> a) {
      // Non-blocking: a full history queue drops the point (counted), the event loop never waits.
      session.telemetry.record(session.epoch, a.value());
    } else if (result instanceof ParseResult.Rejected<Telemetry> r) {
      edge.metrics.rejected(r.reason());
      log.debug("telemetry of {} rejected: {} {}", session.serial, r.reason(), r.detail());
    }
    handler.acknowledge(session, ack);
  }

  private void onEvent(
      DeviceSession session, byte[] payload, Instant now, DeviceSession.PendingAck ack) {
    edge.metrics.messageIn("events");
    ParseResult<DeviceEventReport> result = edge.eventParser.parse(payload, now);
    if (result instanceof ParseResult.Rejected<DeviceEventReport> r) {
      edge.metrics.rejected(r.reason());
      log.debug("event of {} rejected: {} {}", session.serial, r.reason(), r.detail());
      handler.acknowledge(session, ack);
      return;
    }
    DeviceEventReport report = ((ParseResult.Accepted<DeviceEventReport>) result).value();
    long started = System.nanoTime();
    handler.inFlightStarted(session);
    edge.sessions
        .recordEvent(session.serial, session.epoch, report)
        .whenComplete(
            (persisted, err) ->
                session
                    .channel
                    .eventLoop()
                    .execute(
                        () -> {
                          handler.inFlightEnded(session);
                          if (session.phase != DeviceSession.Phase.CONNECTED) return;
                          if (err == null) {
                            edge.metrics.persistLatency.record(
                                System.nanoTime() - started, TimeUnit.NANOSECONDS);
                            handler.acknowledge(session, ack);
                          } else {
                            // Not persisted: no PUBACK. Closing makes the device reconnect and
                            // re-send it.
                            log.warn(
                                "event of {} not persisted: {}", session.serial, err.toString());
                            session.close(DisconnectReason.PERSIST_FAILED);
                          }
                        }));
  }
}
