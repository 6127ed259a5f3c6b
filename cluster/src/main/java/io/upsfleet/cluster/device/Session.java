package io.upsfleet.cluster.device;

import io.upsfleet.cluster.CborSerializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A registered device's connection: the latest session and, while offline, when it counts as lost.
 *
 * @param epoch the latest session epoch (0 = never connected)
 * @param online whether session {@code epoch} is open
 * @param link the open session's link in {@code ActorRefResolver} form, or null
 * @param remoteAddress where the latest session came from
 * @param node the node whose edge serves the latest session
 * @param connectedSince start of the open session, or of the latest one
 * @param disconnectedAt end of the latest session, null while online
 * @param offlineDeadline when an offline device counts as lost; null when none is pending
 * @param connectionLost whether {@code CONNECTION_LOST} was raised for the current outage
 * @param takeovers when recent sessions were taken over by a new connection (newest last, bounded)
 * @param clonedRaisedAt when {@code DEVICE_CLONED} was last raised, or null
 */
public record Session(
    long epoch,
    boolean online,
    String link,
    String remoteAddress,
    String node,
    Instant connectedSince,
    Instant disconnectedAt,
    Instant offlineDeadline,
    boolean connectionLost,
    List<Instant> takeovers,
    Instant clonedRaisedAt)
    implements CborSerializable {

  static final int TAKEOVERS_KEPT = 1000;

  public Session {
    takeovers = takeovers == null ? List.of() : List.copyOf(takeovers);
  }

  static Session never() {
    return new Session(0, false, null, null, null, null, null, null, false, List.of(), null);
  }

  Session connected(UpsDevice.Connected e) {
    return new Session(
        e.epoch(),
        true,
        e.link(),
        e.remoteAddress(),
        e.node(),
        e.at(),
        null,
        null,
        false,
        takeovers,
        clonedRaisedAt);
  }

  Session disconnected(UpsDevice.Disconnected e) {
    List<Instant> t = takeovers;
    if (DeviceLink.TAKEN_OVER.equals(e.reason())) {
      List<Instant> more = new ArrayList<>(takeovers);
      more.add(e.at());
      t =
          more.size() > TAKEOVERS_KEPT
              ? more.subList(more.size() - TAKEOVERS_KEPT, more.size())
              : more;
    }
    return new Session(
        epoch,
        false,
        null,
        remoteAddress,
        node,
        connectedSince,
        e.at(),
        e.offlineDeadline(),
        connectionLost,
        t,
        clonedRaisedAt);
  }

  Session lost() {
    return new Session(
        epoch,
        online,
        link,
        remoteAddress,
        node,
        connectedSince,
        disconnectedAt,
        null,
        true,
        takeovers,
        clonedRaisedAt);
  }

  Session clonedRaised(Instant at) {
    return new Session(
        epoch,
        online,
        link,
        remoteAddress,
        node,
        connectedSince,
        disconnectedAt,
        offlineDeadline,
        connectionLost,
        takeovers,
        at);
  }

  /** How many take-overs happened in the {@code window} before {@code now}. */
  int takeoversWithin(Duration window, Instant now) {
    Instant from = now.minus(window);
    return (int) takeovers.stream().filter(at -> at.isAfter(from)).count();
  }

  /** Whether a live link can be reached. */
  boolean reachable() {
    return online && link != null;
  }

  /** Whether the offline grace is running and has not yet raised {@code CONNECTION_LOST}. */
  boolean graceRunning() {
    return !online && offlineDeadline != null && !connectionLost;
  }
}
