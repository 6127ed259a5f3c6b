package io.upsfleet.cluster.device;

import io.upsfleet.cluster.CborSerializable;
import io.upsfleet.cluster.operation.CommandMessage;

/**
 * The protocol of the small per-connection actor through which a {@link UpsDevice} entity reaches
 * its device. The gateway's MQTT edge implements it; the entity only holds its {@code ActorRef},
 * which works across nodes. The entity watches the link: when it stops, the device is disconnected.
 */
public final class DeviceLink {
  private DeviceLink() {}

  /** A message from an entity to the device's connection. */
  public sealed interface Message extends CborSerializable {}

  /** Close the connection, e.g. because a newer session of the same serial took over. */
  public record Close(String reason) implements Message {}

  /**
   * Publish a command to the device (QoS 1); the edge reports the device's PUBACK as
   * OperationDelivered.
   */
  public record Deliver(CommandMessage command) implements Message {}

  /** Why a link closes, as told to the entity in {@code Detach}. */
  public static final String TAKEN_OVER = "TAKEN_OVER";

  /** The device was deregistered: its credentials are gone. */
  public static final String DEREGISTERED = "DEREGISTERED";
}
