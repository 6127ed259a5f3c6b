package io.upsfleet.cluster.device;

import io.upsfleet.cluster.plan.PlanStatus;
import java.time.Instant;

/**
 * The state of a registered device, composed of small parts that each change on their own events.
 * Immutable: every transition returns a new state, and depends on nothing but the event and the
 * state (replaying a journal under another configuration gives the same state).
 *
 * @param serial the serial number (the entity id)
 * @param model the model
 * @param accountId the owning account
 * @param registeredAt when it was registered
 * @param session its connection
 * @param health what its samples and reports established
 * @param plan its plan terms and warranties
 * @param operations its remote operations
 */
public record RegisteredDevice(
    String serial,
    String model,
    String accountId,
    Instant registeredAt,
    Session session,
    Health health,
    PlanBook plan,
    Operations operations)
    implements UpsDevice.State {

  PlanStatus planAt(Instant at) {
    return plan.planAt(at);
  }

  RegisteredDevice with(Session s) {
    return new RegisteredDevice(
        serial, model, accountId, registeredAt, s, health, plan, operations);
  }

  RegisteredDevice with(Health h) {
    return new RegisteredDevice(
        serial, model, accountId, registeredAt, session, h, plan, operations);
  }

  RegisteredDevice with(PlanBook p) {
    return new RegisteredDevice(
        serial, model, accountId, registeredAt, session, health, p, operations);
  }

  RegisteredDevice with(Operations o) {
    return new RegisteredDevice(serial, model, accountId, registeredAt, session, health, plan, o);
  }

  // ------------------------------------------------------------------- event handlers (pure)

  RegisteredDevice on(UpsDevice.Transferred e) {
    return new RegisteredDevice(
        serial, model, e.toAccountId(), registeredAt, session, health, plan, operations);
  }

  RegisteredDevice on(UpsDevice.Connected e) {
    return with(session.connected(e));
  }

  RegisteredDevice on(UpsDevice.Disconnected e) {
    return with(session.disconnected(e));
  }

  RegisteredDevice on(UpsDevice.ConnectionLost e) {
    return with(session.lost());
  }

  RegisteredDevice on(UpsDevice.StatusChanged e) {
    return with(health.withStatus(e.to(), e.order()));
  }

  RegisteredDevice on(UpsDevice.TemperatureAlarmChanged e) {
    return with(health.withTemperatureHigh(e.high(), e.order()));
  }

  RegisteredDevice on(UpsDevice.FirmwareChanged e) {
    return with(health.withFirmware(e.to(), e.order()));
  }

  RegisteredDevice on(UpsDevice.EventRaised e) {
    RegisteredDevice s = this;
    if (e.deviceSeq() >= 0) {
      s = s.with(health.withReport(Health.reportKey(e.deviceSeq(), e.type(), e.deviceTime())));
    }
    if (e.type() == EventType.DEVICE_CLONED) s = s.with(session.clonedRaised(e.at()));
    return s;
  }

  RegisteredDevice on(UpsDevice.EntitlementsApplied e) {
    boolean extended =
        e.monitoringExtended() != null
            ? e.monitoringExtended()
            : registeredAt.isBefore(PlanClock.LEGACY_MONITORING_CUTOFF);
    return with(
        plan.withGrants(e.assignmentId(), e.grants(), e.at(), extended)
            .withAssignment(e.assignmentId()));
  }

  RegisteredDevice on(UpsDevice.PlanChecked e) {
    return with(plan.checked(e.checkedUntil()));
  }

  RegisteredDevice on(UpsDevice.CommandRequested e) {
    return with(operations.requested(e.command()));
  }

  RegisteredDevice on(UpsDevice.CommandUpdated e) {
    return with(operations.updated(e));
  }

  RegisteredDevice on(UpsDevice.FirmwareOffered e) {
    return with(operations.offered(e.version()));
  }
}
