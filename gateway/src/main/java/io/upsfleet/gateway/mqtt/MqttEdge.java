package io.upsfleet.gateway.mqtt;

import java.time.Clock;

/**
 * What the MQTT handlers share: settings, the {@link DeviceSessions} they work through, parsers and
 * meters. Thread-safe.
 */
final class MqttEdge {
  final MqttSettings settings;
  final DeviceSessions sessions;
  final TelemetryParser telemetryParser;
  final DeviceEventParser eventParser;
  final CommandResultParser commandResultParser;
  final MqttMetrics metrics;
  final AttachGate attachGate;
  final Clock clock;

  MqttEdge(MqttSettings settings, DeviceSessions sessions, MqttMetrics metrics, Clock clock) {
    this.settings = settings;
    this.sessions = sessions;
    this.telemetryParser = new TelemetryParser(settings.maxPacketBytes(), settings.maxClockSkew());
    this.eventParser = new DeviceEventParser(settings.maxPacketBytes(), settings.maxClockSkew());
    this.commandResultParser =
        new CommandResultParser(settings.maxPacketBytes(), settings.maxClockSkew());
    this.metrics = metrics;
    this.attachGate =
        new AttachGate(settings.maxConcurrentAttaches(), settings.maxWaitingAttaches());
    this.clock = clock;
  }
}
