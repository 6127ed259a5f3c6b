package io.upsfleet.gateway.mqtt;

import io.upsfleet.cluster.UpsfleetCluster;
import io.upsfleet.cluster.audit.AuditLog;
import io.upsfleet.cluster.device.UpsDevices;
import io.upsfleet.cluster.telemetry.TelemetryHistory;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;

/** What the MQTT handlers share: settings, the cluster façades, parsers and meters. Thread-safe. */
final class MqttEdge {
  final MqttSettings settings;
  final UpsDevices devices;
  final TelemetryHistory history;
  final AuditLog audit;
  final DeviceAuthenticator authenticator;
  final TelemetryParser telemetryParser;
  final DeviceEventParser eventParser;
  final CommandResultParser commandResultParser;
  final MqttMetrics metrics;
  final AttachGate attachGate;
  final Clock clock;
  final String nodeId;
  private final ActorSystem<?> system;
  private final AtomicLong linkCounter = new AtomicLong();

  MqttEdge(MqttSettings settings, UpsfleetCluster cluster, MqttMetrics metrics, Clock clock) {
    this.settings = settings;
    this.devices = cluster.devices();
    this.history = cluster.telemetryHistory();
    this.audit = cluster.audit();
    this.authenticator =
        new DeviceAuthenticator(
            cluster.credentials(),
            settings.credentialCacheSize(),
            settings.unknownSerialTtl(),
            settings.unknownSerialCacheSize(),
            metrics.credentialLookups::increment);
    cluster.credentials().onCreated(authenticator::registered);
    this.telemetryParser = new TelemetryParser(settings.maxPacketBytes(), settings.maxClockSkew());
    this.eventParser = new DeviceEventParser(settings.maxPacketBytes(), settings.maxClockSkew());
    this.commandResultParser =
        new CommandResultParser(settings.maxPacketBytes(), settings.maxClockSkew());
    this.metrics = metrics;
    this.attachGate =
        new AttachGate(settings.maxConcurrentAttaches(), settings.maxWaitingAttaches());
    this.clock = clock;
    this.nodeId = cluster.nodeId();
    this.system = cluster.system();
  }

  /** Spawns the link actor of a new session. */
  ActorRef<Object> spawnLink(DeviceSession session) {
    return system.systemActorOf(
        DeviceLinkActor.create(session),
        "link-" + session.serial + "-" + linkCounter.incrementAndGet(),
        Props.empty());
  }
}
