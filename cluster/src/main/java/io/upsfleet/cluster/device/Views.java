package io.upsfleet.cluster.device;

import io.upsfleet.cluster.device.UpsDevice.GetOperations;
import io.upsfleet.cluster.device.UpsDevice.OperationPage;
import io.upsfleet.cluster.device.UpsDevice.PlanSummary;
import io.upsfleet.cluster.operation.DeviceCommand;
import io.upsfleet.cluster.plan.Grant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The read-only answers of a registered device: its live view, plan and operation pages. */
final class Views {
  private Views() {}

  static DeviceSnapshot snapshot(
      RegisteredDevice s, Telemetry latest, Instant lastSeen, Instant now) {
    Session session = s.session();
    Health health = s.health();
    String offered = s.operations().firmwareOffered();
    return new DeviceSnapshot(
        s.serial(),
        true,
        s.model(),
        s.accountId(),
        s.registeredAt(),
        session.online(),
        session.connectedSince(),
        session.disconnectedAt(),
        session.remoteAddress(),
        lastSeen,
        session.connectionLost(),
        health.status(),
        health.temperatureHigh(),
        health.firmware(),
        latest,
        s.planAt(now),
        s.operations().desiredSensitivity(),
        offered != null && !offered.equals(health.firmware()) ? offered : null);
  }

  /** The plan {@code grants} would give at {@code now}, without applying them. */
  static PlanSummary preview(RegisteredDevice s, PlanClock clock, List<Grant> grants, Instant now) {
    return plan(s.with(clock.preview(s, grants, now)), now);
  }

  static PlanSummary plan(RegisteredDevice s, Instant at) {
    PlanBook book = s.plan();
    return new PlanSummary(
        s.serial(),
        s.accountId(),
        book.planAt(at),
        book.timeline().coveredUntil(at).orElse(null),
        book.timeline().terms(),
        book.warrantyEnds(),
        book.batteryWarrantyEnds(),
        s.registeredAt());
  }

  /** Operations newest first, {@code limit} from {@code offset} (both clamped to sane bounds). */
  static OperationPage page(RegisteredDevice s, GetOperations c) {
    List<DeviceCommand> all = s.operations().commands();
    int offset = Math.max(0, c.offset());
    int limit = Math.max(0, Math.min(c.limit(), 1000));
    List<DeviceCommand> page = new ArrayList<>(Math.min(limit, all.size()));
    for (int i = all.size() - 1 - offset; i >= 0 && page.size() < limit; i--) page.add(all.get(i));
    return new OperationPage(page, all.size(), s.accountId());
  }
}
