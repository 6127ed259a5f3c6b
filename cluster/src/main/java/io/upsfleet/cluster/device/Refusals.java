package io.upsfleet.cluster.device;

import io.upsfleet.cluster.device.UpsDevice.*;
import io.upsfleet.cluster.operation.CommandStatus;
import io.upsfleet.cluster.operation.DeviceCommand;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;

/** The refusals of {@link UpsDeviceBehavior}, each with its reason and message in one place. */
final class Refusals {
  private Refusals() {}

  static Confirmation.Rejected notRegistered(String serial) {
    return new Confirmation.Rejected(
        Confirmation.Reason.NOT_REGISTERED, "device " + serial + " is not registered");
  }

  static Confirmation.Rejected alreadyRegistered(String serial) {
    return new Confirmation.Rejected(
        Confirmation.Reason.ALREADY_REGISTERED, "device " + serial + " is already registered");
  }

  static Confirmation.Rejected staleAttach(Instant notAfter) {
    return new Confirmation.Rejected(
        Confirmation.Reason.STALE_SESSION,
        "the attach arrived after its deadline " + notAfter + "; the edge has given up on it");
  }

  static Confirmation.Rejected staleSession(long epoch) {
    return new Confirmation.Rejected(
        Confirmation.Reason.STALE_SESSION, "session " + epoch + " is not current");
  }

  static Confirmation.Rejected unknownOperation(String id) {
    return new Confirmation.Rejected(Confirmation.Reason.INVALID, "no command " + id);
  }

  static OperationRefused notCancellable(RegisteredDevice s, String id, DeviceCommand cmd) {
    if (cmd == null) {
      return new OperationRefused(RefusalReason.NOT_FOUND, "no command " + id, null, s.accountId());
    }
    String why =
        cmd.status() == CommandStatus.PENDING
            ? "is being sent to the device"
            : "is " + cmd.status();
    return new OperationRefused(
        RefusalReason.NOT_CANCELLABLE,
        "command " + id + " " + why + "; only a PENDING command can be cancelled",
        null,
        s.accountId());
  }

  /** A refusal to send: {@code message} to {@code to}. */
  record Answer<R>(ActorRef<R> to, R message) {
    void send() {
      to.tell(message);
    }
  }

  /** The answer of an unregistered entity to any command, or null for a tell. */
  static Answer<?> notRegistered(String serial, Command c) {
    Confirmation.Rejected no = notRegistered(serial);
    return refusal(
        c,
        no,
        new OperationRefused(RefusalReason.NOT_REGISTERED, no.message(), null, null),
        DeviceSnapshot.unregistered(serial));
  }

  /**
   * The answer of an entity whose journal cannot be replayed, to any command, or null for a tell:
   * everything is refused with the reason, until support repairs the journal.
   */
  static Answer<?> unreadable(String serial, String reason, Command c) {
    String message =
        "the history of device "
            + serial
            + " cannot be read ("
            + reason
            + "); it is refused until support repairs it";
    return refusal(
        c,
        new Confirmation.Rejected(Confirmation.Reason.UNREADABLE_HISTORY, message),
        new OperationRefused(RefusalReason.UNAVAILABLE, message, null, null),
        DeviceSnapshot.unregistered(serial));
  }

  private static Answer<?> refusal(
      Command c, Confirmation.Rejected no, OperationRefused refused, DeviceSnapshot snapshot) {
    if (c instanceof Attach a) return new Answer<>(a.replyTo(), no);
    if (c instanceof RecordEvent e) return new Answer<>(e.replyTo(), no);
    if (c instanceof RecordTelemetry t)
      return t.replyTo() == null ? null : new Answer<>(t.replyTo(), no);
    if (c instanceof RecordOperationResult r) return new Answer<>(r.replyTo(), no);
    if (c instanceof ApplyEntitlements a) return new Answer<>(a.replyTo(), no);
    if (c instanceof PreviewEntitlements p) return new Answer<>(p.replyTo(), no);
    if (c instanceof GetPlan g) return new Answer<>(g.replyTo(), no);
    if (c instanceof Register r) return new Answer<>(r.replyTo(), no);
    if (c instanceof RequestOperation r) return new Answer<>(r.replyTo(), refused);
    if (c instanceof CancelOperation r) return new Answer<>(r.replyTo(), refused);
    if (c instanceof GetOperations g) return new Answer<>(g.replyTo(), refused);
    if (c instanceof GetAllowedOperations g) return new Answer<>(g.replyTo(), refused);
    if (c instanceof GetSnapshot g) return new Answer<>(g.replyTo(), snapshot);
    return null; // tells: nothing to answer
  }
}
