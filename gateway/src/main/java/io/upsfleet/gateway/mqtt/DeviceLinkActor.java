package io.upsfleet.gateway.mqtt;

import io.upsfleet.cluster.device.DeviceLink;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The per-connection actor a {@link io.upsfleet.cluster.device.UpsDevice} entity holds to reach its
 * device. It lives as long as the connection: the connection's close stops it, which the entity
 * watches. It never touches the channel directly; it hands work to the {@link
 * DeviceSessions.Connection}, which hands it to the channel's event loop.
 */
final class DeviceLinkActor {
  /** Sent by the edge when the channel closed. */
  enum ChannelClosed {
    INSTANCE
  }

  private DeviceLinkActor() {}

  static Behavior<Object> create(DeviceSessions.Connection connection) {
    return Behaviors.receive(Object.class)
        .onMessage(
            DeviceLink.Close.class,
            m -> {
              connection.end(DeviceLink.TAKEN_OVER.equals(m.reason()));
              return Behaviors.same();
            })
        .onMessage(
            DeviceLink.Deliver.class,
            m -> {
              connection.deliver(m.command());
              return Behaviors.same();
            })
        .onMessageEquals(ChannelClosed.INSTANCE, Behaviors::stopped)
        .build();
  }
}
