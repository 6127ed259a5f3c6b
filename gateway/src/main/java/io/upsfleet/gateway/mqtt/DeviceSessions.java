package io.upsfleet.gateway.mqtt;

import io.upsfleet.cluster.device.DeviceEventReport;
import io.upsfleet.cluster.device.Telemetry;
import io.upsfleet.cluster.operation.CommandMessage;
import io.upsfleet.cluster.operation.CommandReport;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Everything the MQTT edge asks of the rest of the node: authenticate a device, attach and detach
 * its session, hand over what it published, and audit refusals. {@link ClusterDeviceSessions}
 * implements it over the cluster; tests implement it with fakes. Every method may be called from a
 * Netty event loop and must not block; stages may complete on any thread.
 */
public interface DeviceSessions {

  /** The owning account when {@code secret} is the serial's secret; empty otherwise. */
  CompletionStage<Optional<UUID>> authenticate(String serial, byte[] secret);

  /**
   * The owning account of {@code serial}, whose client certificate the TLS handshake has verified
   * (mutual TLS in place of the secret); empty when there is no such device.
   */
  CompletionStage<Optional<UUID>> authenticateCertified(String serial);

  /**
   * Opens a session of {@code serial} for {@code connection}, through which the device's entity
   * reaches it until {@link Connection#closed()} completes. Completes with the session's epoch
   * (positive), or exceptionally when the entity refused it or did not answer in time.
   */
  CompletionStage<Long> attach(String serial, String remoteAddress, Connection connection);

  /** Ends session {@code epoch}; {@code reason} is a {@link DisconnectReason} name. */
  void detach(String serial, long epoch, String reason);

  /** Where one device's accepted samples go; made once per connection (the per-sample path). */
  TelemetrySink telemetry(String serial);

  /** Persists a device-reported event; completes once persisted, exceptionally otherwise. */
  CompletionStage<Void> recordEvent(String serial, long epoch, DeviceEventReport report);

  /**
   * Persists a device's report on an operation; completes once the entity has taken it (persisted,
   * or refused for good such as an unknown id), exceptionally when that is not known.
   */
  CompletionStage<Void> recordOperationResult(String serial, long epoch, CommandReport report);

  /**
   * The PUBLISH of operation {@code commandId} was written to the device in session {@code epoch}.
   */
  void operationPublished(String serial, long epoch, String commandId);

  /**
   * The device acknowledged the publish of operation {@code commandId} in session {@code epoch}.
   */
  void operationDelivered(String serial, long epoch, String commandId);

  /** Records a refused action of a device (a CONNECT, a publish or subscription out of bounds). */
  void audit(
      String actor, UUID accountId, String action, String target, String outcome, String details);

  /** Takes one device's validated samples; never blocks (a full history queue drops, counted). */
  interface TelemetrySink {
    /** A QoS 0 sample: nothing to acknowledge. */
    void record(long epoch, Telemetry sample);

    /**
     * A QoS 1 sample ({@code dup}: sent again); completes once what it changed is persisted,
     * exceptionally when that is not known (the device then gets no PUBACK).
     */
    CompletionStage<Void> recordStored(long epoch, Telemetry sample, boolean dup);
  }

  /** One device connection as its entity sees it. Methods may be called from any thread. */
  interface Connection {
    /** Publishes a command to the device, or holds it until the device subscribes. */
    void deliver(CommandMessage command);

    /**
     * Closes the connection because its session ended: {@code takenOver} when a newer connection of
     * the same device replaced it.
     */
    void end(boolean takenOver);

    /** Completes once the connection has closed. */
    CompletionStage<Void> closed();
  }
}
