package io.upsfleet.cluster.device;

import io.upsfleet.cluster.device.UpsDevice.*;
import io.upsfleet.cluster.operation.DeviceCommand;
import java.time.Instant;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;

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
        cmd.status() == io.upsfleet.cluster.operation.CommandStatus.PENDING
            ? "is being sent to the device"
            : "is " + cmd.status();
    return new OperationRefused(
        RefusalReason.NOT_CANCELLABLE,
        "command " + id + " " + why + "; only a PENDING command can be cancelled",
        null,
        s.accountId());
  }

  /** The answer of an unregistered entity to any command: refused where a reply is expected. */
  static ReplyEffect<Event, State> notRegistered(UpsDeviceBehavior b, String serial, Command c) {
    Confirmation.Rejected no = notRegistered(serial);
    OperationRefused refused =
        new OperationRefused(RefusalReason.NOT_REGISTERED, no.message(), null, null);
    if (c instanceof Attach a) return b.reply(a.replyTo(), no);
    if (c instanceof RecordEvent e) return b.reply(e.replyTo(), no);
    if (c instanceof RecordTelemetry t) {
      return t.replyTo() == null ? b.noReply() : b.reply(t.replyTo(), no);
    }
    if (c instanceof RecordOperationResult r) return b.reply(r.replyTo(), no);
    if (c instanceof ApplyEntitlements a) return b.reply(a.replyTo(), no);
    if (c instanceof PreviewEntitlements p) return b.reply(p.replyTo(), no);
    if (c instanceof GetPlan g) return b.reply(g.replyTo(), no);
    if (c instanceof RequestOperation r) return b.reply(r.replyTo(), refused);
    if (c instanceof CancelOperation r) return b.reply(r.replyTo(), refused);
    if (c instanceof GetOperations g) return b.reply(g.replyTo(), refused);
    if (c instanceof GetAllowedOperations g) return b.reply(g.replyTo(), refused);
    if (c instanceof GetSnapshot g)
      return b.reply(g.replyTo(), DeviceSnapshot.unregistered(serial));
    return b.noReply(); // tells: nothing to answer
  }
}
