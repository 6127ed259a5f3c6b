package io.upsfleet.cluster.device;

import io.upsfleet.cluster.device.UpsDevice.Deregister;
import io.upsfleet.cluster.device.UpsDevice.Deregistered;
import io.upsfleet.cluster.device.UpsDevice.Event;
import io.upsfleet.cluster.device.UpsDevice.LifecycleChange;
import io.upsfleet.cluster.device.UpsDevice.Transfer;
import io.upsfleet.cluster.device.UpsDevice.Transferred;
import java.time.Instant;

/**
 * Who owns a device (issue 13), as a pure decision: a deregistration ends it (the session is
 * closed, the plan's remaining time is lost), a transfer moves it with its plan and warranty.
 */
final class DeviceLifecycle {
  private DeviceLifecycle() {}

  /** The event of {@code change} on {@code s} at {@code now}. */
  static Event decide(RegisteredDevice s, LifecycleChange change, Instant now) {
    if (change instanceof Transfer t) {
      return new Transferred(s.accountId(), t.toAccountId(), t.by(), now);
    }
    Deregister d = (Deregister) change;
    return new Deregistered(s.accountId(), d.by(), now);
  }

  /** Whether the device's open session must be closed after {@code e}. */
  static boolean endsSession(Event e) {
    return e instanceof Deregistered;
  }
}
