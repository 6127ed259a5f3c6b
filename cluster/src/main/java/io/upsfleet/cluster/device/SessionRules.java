package io.upsfleet.cluster.device;

import io.upsfleet.cluster.device.UpsDevice.Connected;
import io.upsfleet.cluster.device.UpsDevice.Disconnected;
import io.upsfleet.cluster.device.UpsDevice.Event;
import java.time.Duration;
import java.time.Instant;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A device's registration and sessions as decisions: what registering, a new session (which may
 * take over a live one, end an outage, or reveal a cloned identity) and the end of a session
 * persist. Pure: state, input and instant in, events out.
 */
final class SessionRules {
  private final DeviceSettings settings;

  SessionRules(DeviceSettings settings) {
    this.settings = settings;
  }

  /** The registration with its trial and warranty ends resolved now, and the first plan check. */
  List<Event> registered(EmptyDevice s, String model, String accountId, Instant now) {
    UpsDevice.Registered e =
        new UpsDevice.Registered(
            s.serial(),
            model,
            accountId,
            now,
            PlanBook.plus(now, settings.trialLength()),
            PlanBook.plus(now, settings.warranty()),
            PlanBook.plus(now, batteryWarrantyFor(model)));
    RegisteredDevice after = s.registered(e);
    return List.of(e, new UpsDevice.PlanChecked(now, after.plan().record(now), now));
  }

  /** A lead-acid device registered for the trial gets more battery warranty; lithium does not. */
  private Period batteryWarrantyFor(String model) {
    return DeviceModels.chemistryOf(model) == DeviceModels.Chemistry.LEAD_ACID
        ? settings.batteryWarranty().plus(settings.trialBatteryBonus())
        : settings.batteryWarranty();
  }

  /**
   * A new session {@code epoch} from {@code link}: the live session it takes over ends (and
   * DEVICE_CLONED when take-overs come too often), CONNECTION_RESTORED ends an outage.
   */
  List<Event> attached(
      RegisteredDevice s, String remoteAddress, String node, String link, Instant now) {
    Session session = s.session();
    List<Event> events = new ArrayList<>(4);
    if (session.online()) {
      events.add(ended(session.epoch(), DeviceLink.TAKEN_OVER, now));
      if (cloned(session, now)) events.add(clonedEntry(s, now));
    }
    events.add(new Connected(session.epoch() + 1, remoteAddress, node, link, now));
    if (session.connectionLost()) {
      events.add(TelemetryFacts.raised(s, EventType.CONNECTION_RESTORED, null, now));
    }
    return events;
  }

  /** Whether {@code events} tell that the device's identity is used by two live devices. */
  static boolean revealsClone(List<Event> events) {
    for (Event e : events) {
      if (e instanceof UpsDevice.EventRaised r && r.type() == EventType.DEVICE_CLONED) return true;
    }
    return false;
  }

  /** Session {@code epoch} ended; it counts as lost after the offline grace. */
  Disconnected ended(long epoch, String reason, Instant now) {
    return new Disconnected(epoch, reason, now.plus(settings.offlineGrace()), now);
  }

  /** Whether one more take-over makes too many within the window (raised once a window). */
  private boolean cloned(Session session, Instant now) {
    Duration window = settings.cloneWindow();
    int takeovers = session.takeoversWithin(window, now) + 1;
    boolean raisedLately =
        session.clonedRaisedAt() != null && session.clonedRaisedAt().isAfter(now.minus(window));
    return takeovers >= settings.cloneTakeovers() && !raisedLately;
  }

  private UpsDevice.EventRaised clonedEntry(RegisteredDevice s, Instant now) {
    TreeMap<String, String> details = new TreeMap<>();
    details.put(
        "takeovers",
        Integer.toString(s.session().takeoversWithin(settings.cloneWindow(), now) + 1));
    details.put("window", settings.cloneWindow().toString());
    details.put("remoteAddress", String.valueOf(s.session().remoteAddress()));
    return TelemetryFacts.raised(s, EventType.DEVICE_CLONED, null, now, details);
  }
}
