package io.upsfleet.gateway.mqtt;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.upsfleet.cluster.UpsfleetCluster;
import io.upsfleet.cluster.audit.AuditLog;
import io.upsfleet.cluster.device.DeviceEventReport;
import io.upsfleet.cluster.device.Telemetry;
import io.upsfleet.cluster.device.UpsDevice;
import io.upsfleet.cluster.device.UpsDevices;
import io.upsfleet.cluster.operation.CommandReport;
import io.upsfleet.cluster.telemetry.TelemetryHistory;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;

/**
 * {@link DeviceSessions} over the cluster: credentials through a bounded cache, the device entities
 * through {@link UpsDevices} (each connection reached by a {@link DeviceLinkActor}), the telemetry
 * history and the audit log. Thread-safe.
 */
public final class ClusterDeviceSessions implements DeviceSessions {
  private final UpsDevices devices;
  private final TelemetryHistory history;
  private final AuditLog audit;
  private final DeviceAuthenticator authenticator;
  private final String nodeId;
  private final ActorSystem<?> system;
  private final AtomicLong linkCounter = new AtomicLong();
  private final long retryWithinNanos;
  private final Counter attachRetries;

  public ClusterDeviceSessions(
      UpsfleetCluster cluster, MqttSettings settings, MeterRegistry registry) {
    this.devices = cluster.devices();
    this.history = cluster.telemetryHistory();
    this.audit = cluster.audit();
    Counter lookups =
        Counter.builder("mqtt_credential_lookups")
            .description("database lookups of device credentials (CONNECTs the caches missed)")
            .register(registry);
    this.authenticator =
        new DeviceAuthenticator(
            cluster.credentials(),
            settings.credentialCacheSize(),
            settings.unknownSerialTtl(),
            settings.unknownSerialCacheSize(),
            lookups::increment);
    cluster.credentials().onCreated(authenticator::registered);
    this.nodeId = cluster.nodeId();
    this.system = cluster.system();
    this.retryWithinNanos = settings.attachRetryWithin().toNanos();
    this.attachRetries =
        Counter.builder("mqtt_attach_retries")
            .description(
                "attaches asked again because the device's entity did not answer in time (a node"
                    + " died, a shard moved)")
            .register(registry);
  }

  @Override
  public CompletionStage<Optional<UUID>> authenticate(String serial, byte[] secret) {
    return authenticator.authenticate(serial, secret);
  }

  @Override
  public CompletionStage<Optional<UUID>> authenticateCertified(String serial) {
    return authenticator.authenticateCertified(serial);
  }

  @Override
  public CompletionStage<Long> attach(String serial, String remoteAddress, Connection connection) {
    ActorRef<Object> link =
        system.systemActorOf(
            DeviceLinkActor.create(connection),
            "link-" + serial + "-" + linkCounter.incrementAndGet(),
            Props.empty());
    // The entity watches the link: stopping it with the channel tells the entity the device left.
    connection.closed().thenRun(() -> link.tell(DeviceLinkActor.ChannelClosed.INSTANCE));
    return attach(serial, remoteAddress, link, connection, System.nanoTime() + retryWithinNanos);
  }

  /**
   * One attempt, and another at once when the entity did not answer in time and the device is still
   * waiting: after a node died, asks to its entities go nowhere until the cluster has moved their
   * shards, and a CONNECT refused then would leave the device to back off for seconds more. A late
   * attempt that still reaches the entity is refused there (its deadline passed), and a later one
   * simply opens a newer session on the same link.
   */
  private CompletionStage<Long> attach(
      String serial,
      String remoteAddress,
      ActorRef<Object> link,
      Connection connection,
      long retryUntilNanos) {
    return devices
        .attach(serial, remoteAddress, nodeId, link.narrow())
        .handle(
            (reply, err) -> {
              if (err == null) {
                if (reply instanceof UpsDevice.Attachment a)
                  return CompletableFuture.completedFuture(a.epoch());
                return CompletableFuture.<Long>failedFuture(
                    new IllegalStateException("attach refused: " + reply));
              }
              if (timedOut(err)
                  && System.nanoTime() < retryUntilNanos
                  && !connection.closed().toCompletableFuture().isDone()) {
                attachRetries.increment();
                return attach(serial, remoteAddress, link, connection, retryUntilNanos);
              }
              return CompletableFuture.<Long>failedFuture(err);
            })
        .thenCompose(next -> next);
  }

  private static boolean timedOut(Throwable err) {
    Throwable t =
        err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    return t instanceof TimeoutException;
  }

  @Override
  public void detach(String serial, long epoch, String reason) {
    devices.detach(serial, epoch, reason);
  }

  @Override
  public TelemetrySink telemetry(String serial) {
    UpsDevices.Handle device = devices.handle(serial);
    return new TelemetrySink() {
      @Override
      public void record(long epoch, Telemetry sample) {
        device.recordTelemetry(epoch, sample);
        history.offer(serial, sample);
      }

      @Override
      public CompletionStage<Void> recordStored(long epoch, Telemetry sample, boolean dup) {
        history.offer(serial, sample);
        return device.recordTelemetry(epoch, sample, dup).thenApply(ClusterDeviceSessions::stored);
      }
    };
  }

  private static Void stored(UpsDevice.Confirmation reply) {
    if (reply instanceof UpsDevice.Confirmation.Accepted) return null;
    throw new IllegalStateException("not stored: " + reply);
  }

  @Override
  public CompletionStage<Void> recordEvent(String serial, long epoch, DeviceEventReport report) {
    return devices.recordEvent(serial, epoch, report).thenApply(ClusterDeviceSessions::stored);
  }

  @Override
  public CompletionStage<Void> recordOperationResult(
      String serial, long epoch, CommandReport report) {
    return devices.recordOperationResult(serial, epoch, report).thenApply(reply -> null);
  }

  @Override
  public void operationPublished(String serial, long epoch, String commandId) {
    devices.operationPublished(serial, epoch, commandId);
  }

  @Override
  public void operationDelivered(String serial, long epoch, String commandId) {
    devices.operationDelivered(serial, epoch, commandId);
  }

  @Override
  public void audit(
      String actor, UUID accountId, String action, String target, String outcome, String details) {
    audit.record(actor, accountId, action, target, outcome, details);
  }
}
