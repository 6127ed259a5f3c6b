package io.upsfleet.gateway.mqtt;

import io.micrometer.core.instrument.Timer;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.upsfleet.api.mqtt.DeviceTopic;
import io.upsfleet.cluster.device.DeviceEventReport;
import io.upsfleet.cluster.device.Telemetry;
import io.upsfleet.cluster.device.TelemetryVariable;
import io.upsfleet.cluster.operation.CommandMessage;
import io.upsfleet.cluster.operation.CommandReport;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
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

  /**
   * Operations held until the device subscribes to its command topic. The entity hands over at most
   * its delivery window (at most 32) at a time, so this bound is never reached by a well-behaved
   * entity; past it an operation is not published and not reported published, and the entity hands
   * it over again on the next session.
   */
  private static final int MAX_UNDELIVERED = 64;

  private final MqttEdge edge;
  private final SessionHandler handler;

  MqttTranslator(MqttEdge edge, SessionHandler handler) {
    this.edge = edge;
    this.handler = handler;
  }

  void onPublish(
      DeviceSession session,
      DeviceTopic topic,
      byte[] payload,
      DeviceSession.PendingAck ack,
      boolean dup) {
    Instant now = edge.clock.instant();
    switch (topic.kind()) {
      case TELEMETRY -> onTelemetry(session, payload, now, ack, dup);
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
    // Taken (persisted, or refused for good such as an unknown id): either way not to be re-sent.
    whenStored(
        session,
        edge.sessions.recordOperationResult(session.serial, session.epoch, report),
        ack,
        "operation result",
        null);
  }

  /**
   * Publishes a command to the device (QoS 1), or holds it until the device subscribes to its
   * command topic.
   */
  void deliver(DeviceSession session, CommandMessage command) {
    if (session.phase == DeviceSession.Phase.CLOSED) return; // the entity hands it over again
    // During CONNECT the entity hands operations over before the CONNACK: they wait here for the
    // SUBSCRIBE.
    if (session.phase != DeviceSession.Phase.CONNECTED || !session.commandsSubscribed) {
      if (session.undelivered.size() >= MAX_UNDELIVERED) {
        log.atWarn()
            .addKeyValue("serial", session.serial)
            .log(
                "{}: operation {} not held (queue full); it stays pending",
                session.serial,
                command.id());
        return;
      }
      session.undelivered.add(command);
      return;
    }
    int packetId = session.nextPacketId();
    session.outboundCommands.put(packetId, command.id());
    byte[] json = CommandJson.render(command);
    long epoch = session.epoch;
    session
        .channel
        .writeAndFlush(
            MqttMessageBuilders.publish()
                .topicName(DeviceTopic.commands(session.serial).topic())
                .qos(MqttQoS.AT_LEAST_ONCE)
                .retained(false)
                .messageId(packetId)
                .payload(Unpooled.wrappedBuffer(json))
                .build())
        .addListener(
            f -> {
              // SENT means it left: only a write that reached the socket is reported.
              if (f.isSuccess())
                edge.sessions.operationPublished(session.serial, epoch, command.id());
            });
    edge.metrics.messageOut("command");
  }

  void onCommandsSubscribed(DeviceSession session) {
    session.commandsSubscribed = true;
    while (!session.undelivered.isEmpty()) deliver(session, session.undelivered.poll());
  }

  void onCommandAck(DeviceSession session, int packetId) {
    String commandId = session.outboundCommands.remove(packetId);
    if (commandId != null)
      edge.sessions.operationDelivered(session.serial, session.epoch, commandId);
  }

  private void onTelemetry(
      DeviceSession session,
      byte[] payload,
      Instant now,
      DeviceSession.PendingAck ack,
      boolean dup) {
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
      if (ack != null) {
        // QoS 1: acknowledged once what the sample changed (a status change, an alarm) is stored.
        whenStored(
            session,
            session.telemetry.recordStored(session.epoch, a.value(), dup),
            ack,
            "telemetry",
            null);
        return;
      }
      session.telemetry.record(session.epoch, a.value());
    } else if (result instanceof ParseResult.Rejected<Telemetry> r) {
      edge.metrics.rejected(r.reason());
      log.debug("telemetry of {} rejected: {} {}", session.serial, r.reason(), r.detail());
    }
    handler.acknowledge(session, ack);
  }

  /**
   * Acknowledges {@code ack} once {@code stored} completes; when it fails the device gets no PUBACK
   * and its connection is closed, so it reconnects and sends the publish again.
   */
  private void whenStored(
      DeviceSession session,
      CompletionStage<Void> stored,
      DeviceSession.PendingAck ack,
      String what,
      Timer latency) {
    CompletableFuture<Void> done = stored.toCompletableFuture();
    if (done.isDone() && !done.isCompletedExceptionally()) {
      // Already stored, or nothing to store: acknowledged within this read. A hop through the event
      // loop's task queue would wait for the whole I/O cycle of every connection of the loop.
      handler.acknowledge(session, ack);
      return;
    }
    long started = System.nanoTime();
    handler.inFlightStarted(session);
    stored.whenComplete(
        (ok, err) ->
            session
                .channel
                .eventLoop()
                .execute(
                    () -> {
                      handler.inFlightEnded(session);
                      if (session.phase != DeviceSession.Phase.CONNECTED) return;
                      if (err == null) {
                        if (latency != null) {
                          latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                        }
                        handler.acknowledge(session, ack);
                      } else {
                        log.atWarn()
                            .addKeyValue("serial", session.serial)
                            .log("{} of {} not stored: {}", what, session.serial, err.toString());
                        session.close(DisconnectReason.PERSIST_FAILED);
                      }
                    }));
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
    whenStored(
        session,
        edge.sessions.recordEvent(session.serial, session.epoch, report),
        ack,
        "event",
        edge.metrics.persistLatency);
  }
}
