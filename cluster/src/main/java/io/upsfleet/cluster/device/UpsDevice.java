package io.upsfleet.cluster.device;

import io.upsfleet.cluster.CborSerializable;
import io.upsfleet.cluster.operation.CommandReport;
import io.upsfleet.cluster.operation.CommandStatus;
import io.upsfleet.cluster.operation.DeviceCommand;
import io.upsfleet.cluster.operation.Operation;
import io.upsfleet.cluster.operation.OperationAllowance;
import io.upsfleet.cluster.plan.Grant;
import io.upsfleet.cluster.plan.Plan;
import io.upsfleet.cluster.plan.PlanRecord;
import io.upsfleet.cluster.plan.PlanStatus;
import io.upsfleet.cluster.plan.PlanTerm;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * One UPS, identified by its serial: the single writer of everything the gateway knows about it.
 * This file is the entity's contract (its commands, replies, persisted events and state types); the
 * behaviour is {@link UpsDeviceBehavior}, and the decisions it applies are {@link TelemetryFacts},
 * {@link OperationPolicy}, {@link OperationLifecycle} and {@link PlanClock}.
 *
 * <p>Lifecycle: an entity starts as an {@link EmptyDevice} and becomes a {@link RegisteredDevice}
 * when {@link Register}ed. A device connects ({@link Attach}, which opens a new session epoch and
 * closes an older session's link), reports telemetry and events, takes remote operations, and
 * disconnects ({@link Detach}, or its link stops). A device offline longer than the offline grace
 * gets {@code CONNECTION_LOST}; the deadline is persisted state and re-armed on recovery.
 *
 * <p>Persisted: registration, connections and disconnections, status-flag changes derived from
 * telemetry, firmware changes, operations and their lifecycle, plan changes, and every event raised
 * (device reports and derived alarms). Telemetry samples are kept in memory only.
 *
 * <p>Words: a <em>command</em> is a message to this actor; an <em>operation</em> is what a UPS is
 * asked to do; an <em>event</em> is persisted; a <em>log entry</em> is a row of the event log. The
 * persisted events keep their historical names ({@link CommandRequested}, {@link CommandUpdated}).
 */
public final class UpsDevice {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "UpsDevice");

  /** Tag prefix of every event; the tag is {@code device-N} with N in {@code 0..tagSlices-1}. */
  public static final String TAG_PREFIX = "device-";

  private UpsDevice() {}

  /**
   * The behavior of the entity of {@code serial}; {@code shard} receives its passivation requests.
   */
  public static Behavior<Command> create(
      String serial,
      ActorRef<ClusterSharding.ShardCommand> shard,
      DeviceSettings settings,
      Clock clock) {
    return UpsDeviceBehavior.create(serial, shard, DeviceRules.of(settings), clock, UNOBSERVED);
  }

  /**
   * Like {@link #create(String, ActorRef, DeviceSettings, Clock)}, counting into {@code metrics}.
   */
  public static Behavior<Command> create(
      String serial,
      ActorRef<ClusterSharding.ShardCommand> shard,
      DeviceSettings settings,
      Clock clock,
      DeviceMetrics metrics) {
    return UpsDeviceBehavior.create(serial, shard, DeviceRules.of(settings), clock, metrics);
  }

  private static final DeviceMetrics UNOBSERVED = DeviceMetrics.unobserved();

  /** The journal tag of a serial's events. */
  public static String tagFor(String serial, int slices) {
    return TAG_PREFIX + Math.floorMod(serial.hashCode(), slices);
  }

  // ------------------------------------------------------------------------------------ commands

  /** A message the entity handles. */
  public sealed interface Command extends CborSerializable {}

  /** Makes the entity a registered device of an account. Replies {@link Confirmation}. */
  public record Register(String model, String accountId, ActorRef<Confirmation> replyTo)
      implements Command {}

  /**
   * Opens a session for an authenticated connection. Replies {@link Attachment} with the session
   * epoch, or {@link Confirmation.Rejected} when the device is not registered, or ({@code
   * STALE_SESSION}) when it arrives after {@code notAfter} (may be null): the edge has given up on
   * it by then, and an attach held up while its shard moved must not take over a newer session.
   */
  public record Attach(
      String remoteAddress,
      String node,
      ActorRef<DeviceLink.Message> link,
      Instant notAfter,
      ActorRef<AttachReply> replyTo)
      implements Command {

    /** An attach without a deadline. */
    public Attach(
        String remoteAddress,
        String node,
        ActorRef<DeviceLink.Message> link,
        ActorRef<AttachReply> replyTo) {
      this(remoteAddress, node, link, null, replyTo);
    }
  }

  /** The session {@code epoch} ended; ignored when a newer session took over. */
  public record Detach(long epoch, String reason) implements Command {}

  /**
   * A validated sample from session {@code epoch}, sent again by the device when {@code dup}. With
   * a {@code replyTo} (QoS 1), replied {@link Confirmation.Accepted} once whatever the sample
   * changed is persisted (at once when it changed nothing, or is older than the newest sample), so
   * the edge acknowledges only what is stored; {@code replyTo} null is fire and forget (QoS 0).
   */
  public record RecordTelemetry(
      long epoch, Telemetry telemetry, boolean dup, ActorRef<Confirmation> replyTo)
      implements Command {

    /** A fire-and-forget sample. */
    public RecordTelemetry(long epoch, Telemetry telemetry) {
      this(epoch, telemetry, false, null);
    }
  }

  /**
   * A device-reported event; replied to only once it is persisted, so the edge can acknowledge it.
   */
  public record RecordEvent(long epoch, DeviceEventReport report, ActorRef<Confirmation> replyTo)
      implements Command {}

  /**
   * Applies an assignment's grants (plan terms, warranty extensions) exactly once: a repeated
   * {@code assignmentId} changes nothing. Replies {@link PlanSummary}, or {@link
   * Confirmation.Rejected} (NOT_REGISTERED).
   */
  public record ApplyEntitlements(
      String assignmentId, List<Grant> grants, String by, ActorRef<PlanReply> replyTo)
      implements Command {}

  /** What {@link ApplyEntitlements} would give, without applying it. Replies like it. */
  public record PreviewEntitlements(List<Grant> grants, ActorRef<PlanReply> replyTo)
      implements Command {}

  /** Asks for the plan timeline and warranty. Replies {@link PlanSummary} or NOT_REGISTERED. */
  public record GetPlan(ActorRef<PlanReply> replyTo) implements Command {}

  /**
   * Requests a remote operation (validated by the API; the entity checks plan, model, firmware and
   * running operations). Persisted; handed to the device through the delivery window when it is
   * connected, else when it reconnects within {@code ttl}. With an {@code idempotencyKey} seen
   * before, the earlier operation is the answer. Replies {@link OperationAccepted} or {@link
   * OperationRefused}.
   */
  public record RequestOperation(
      Operation operation,
      Duration ttl,
      String by,
      String idempotencyKey,
      ActorRef<OperationReply> replyTo)
      implements Command {}

  /** Cancels a PENDING operation. Replies {@link OperationAccepted} or {@link OperationRefused}. */
  public record CancelOperation(String commandId, String by, ActorRef<OperationReply> replyTo)
      implements Command {}

  /**
   * Lists the device's operations, newest first, {@code limit} from {@code offset}. Replies {@link
   * OperationPage}.
   */
  public record GetOperations(int offset, int limit, ActorRef<OperationReply> replyTo)
      implements Command {

    /** The first page of at most 100. */
    public GetOperations(ActorRef<OperationReply> replyTo) {
      this(0, 100, replyTo);
    }
  }

  /** Which operations the device may be asked now, and why not. Replies {@link Allowances}. */
  public record GetAllowedOperations(ActorRef<OperationReply> replyTo) implements Command {}

  /** What the edge tells about an operation it was handed in session {@code epoch}. */
  public sealed interface LinkReport extends Command {
    long epoch();

    String commandId();
  }

  /** The edge wrote the PUBLISH of operation {@code commandId} to the device in {@code epoch}. */
  public record OperationPublished(long epoch, String commandId) implements LinkReport {}

  /** The device acknowledged (PUBACK) the publish of an operation in session {@code epoch}. */
  public record OperationDelivered(long epoch, String commandId) implements LinkReport {}

  /**
   * A device's report on an operation; replied to once persisted, so the edge can acknowledge it.
   */
  public record RecordOperationResult(
      long epoch, CommandReport report, ActorRef<Confirmation> replyTo) implements Command {}

  /** Asks for the live view of the device. Replies {@link DeviceSnapshot}. */
  public record GetSnapshot(ActorRef<DeviceSnapshot> replyTo) implements Command {}

  /**
   * Removes the device from its account (issue 13): its session is closed, it leaves lists and
   * counts, its event log stays for the retention period, and its plan's remaining time is lost (a
   * device that should keep it is transferred instead). The serial may be registered again, anew.
   */
  public record Deregister(String by, ActorRef<Confirmation> replyTo) implements LifecycleChange {}

  /**
   * Moves the device to another account (issue 13, support only): its plan, warranty and operations
   * go with it; its event log until now stays with the old account.
   */
  public record Transfer(String toAccountId, String by, ActorRef<Confirmation> replyTo)
      implements LifecycleChange {}

  /** A change of who owns the device ({@link DeviceLifecycle} decides its event). */
  public sealed interface LifecycleChange extends Command permits Deregister, Transfer {
    ActorRef<Confirmation> replyTo();
  }

  /** Wakes the entity so it re-checks its deadlines and its link (sent by the watchdog). */
  public record Wake() implements Command {}

  /** Internal: the link of session {@code epoch} stopped. */
  record LinkTerminated(long epoch) implements Command {}

  /** Internal: a persisted deadline may have passed. */
  record CheckDeadlines() implements Command {}

  /** Internal: periodic check whether the entity may passivate. */
  record IdleCheck() implements Command {}

  // ------------------------------------------------------------------------------------- replies

  /** Reply to {@link Attach}. */
  public sealed interface AttachReply extends CborSerializable {}

  /** The session was opened with this epoch. */
  public record Attachment(long epoch) implements AttachReply {}

  /** Reply to the plan commands. */
  public sealed interface PlanReply extends CborSerializable {}

  /**
   * A device's plan: the plan now, the ordered terms, and the warranty.
   *
   * @param accountId the owning account (for tenancy checks by callers)
   * @param current the plan, its source and term dates right now
   * @param coveredUntil when paid coverage ends, or null on Basic
   * @param terms the whole timeline, past terms included
   * @param registeredAt when the device was registered
   */
  public record PlanSummary(
      String serial,
      String accountId,
      PlanStatus current,
      Instant coveredUntil,
      List<PlanTerm> terms,
      Instant warrantyEnds,
      Instant batteryWarrantyEnds,
      Instant registeredAt)
      implements PlanReply {}

  /** Reply to the operation commands. */
  public sealed interface OperationReply extends CborSerializable {}

  /** The operation as it stands (new, or the earlier one of the same idempotency key). */
  public record OperationAccepted(DeviceCommand command, String accountId)
      implements OperationReply {}

  /** Why an operation was refused; {@code requiredPlan} is set when the plan is the reason. */
  public record OperationRefused(
      RefusalReason reason, String message, Plan requiredPlan, String accountId)
      implements OperationReply {}

  /** A page of the device's operations, newest first, of {@code total}, and its account. */
  public record OperationPage(List<DeviceCommand> commands, int total, String accountId)
      implements OperationReply {}

  /** Each kind of operation with whether the device may be asked it now, and its account. */
  public record Allowances(List<OperationAllowance> operations, String accountId)
      implements OperationReply {}

  /** Why a remote operation was refused. */
  public enum RefusalReason {
    NOT_REGISTERED,
    PLAN,
    UNSUPPORTED,
    CONFLICT,
    NOT_FOUND,
    NOT_CANCELLABLE,
    /** The device has the most unfinished operations allowed. */
    TOO_MANY,
    /** The device's history cannot be read; nothing is done until support repairs it. */
    UNAVAILABLE
  }

  /** Outcome of a command that changes the device. */
  public sealed interface Confirmation extends AttachReply, PlanReply {
    /** The command was applied (and persisted where it changed something). */
    record Accepted() implements Confirmation {}

    /** The command was refused; nothing changed. */
    record Rejected(Reason reason, String message) implements Confirmation {}

    /** Why a command was refused. */
    enum Reason {
      NOT_REGISTERED,
      ALREADY_REGISTERED,
      STALE_SESSION,
      INVALID,
      /** The device's journal cannot be read; the device is refused until support repairs it. */
      UNREADABLE_HISTORY
    }
  }

  // -------------------------------------------------------------------------------------- events

  /** A persisted fact about the device. Never rename or remove a component; add with defaults. */
  public sealed interface Event extends CborSerializable {
    Instant at();
  }

  /**
   * The device was registered to an account, with its resolved trial and warranty ends ({@code
   * trialEnds}, {@code warrantyEnds} and {@code batteryWarrantyEnds} were added later: null in old
   * events, then the values in force before them apply, see {@link EmptyDevice}).
   */
  public record Registered(
      String serial,
      String model,
      String accountId,
      Instant at,
      Instant trialEnds,
      Instant warrantyEnds,
      Instant batteryWarrantyEnds)
      implements Event {}

  /**
   * An assignment's grants were applied; {@code plan} is the result at {@code at}. {@code
   * monitoringExtended} (added December 2026; null before) records whether warranty grants extended
   * monitoring too.
   */
  public record EntitlementsApplied(
      String assignmentId,
      List<Grant> grants,
      String by,
      PlanRecord plan,
      Instant at,
      Boolean monitoringExtended)
      implements Event {

    public EntitlementsApplied(
        String assignmentId, List<Grant> grants, String by, PlanRecord plan, Instant at) {
      this(assignmentId, grants, by, plan, at, null);
    }
  }

  /** A remote operation was requested; {@code nextCommandDeadline} is for the watchdog. */
  public record CommandRequested(DeviceCommand command, Instant nextCommandDeadline, Instant at)
      implements Event {}

  /**
   * An operation changed status (sent, delivered, acknowledged, progressed, finished). {@code
   * reason} explains a failure, expiry, time-out or cancellation.
   */
  public record CommandUpdated(
      String commandId,
      CommandStatus status,
      String progress,
      String reason,
      long epoch,
      Instant nextCommandDeadline,
      Instant at)
      implements Event {}

  /** The device was deregistered from {@code accountId} by {@code by} (issue 13). */
  public record Deregistered(String accountId, String by, Instant at) implements Event {}

  /** The device moved from {@code fromAccountId} to {@code toAccountId} (issue 13). */
  public record Transferred(String fromAccountId, String toAccountId, String by, Instant at)
      implements Event {}

  /** Newer firmware was offered for this device (recorded once per version). */
  public record FirmwareOffered(String version, Instant at) implements Event {}

  /**
   * The plan was examined up to {@code checkedUntil} (changes and reminders before it are done).
   */
  public record PlanChecked(Instant checkedUntil, PlanRecord plan, Instant at) implements Event {}

  /**
   * Session {@code epoch} started from {@code remoteAddress}, served by the edge on {@code node};
   * {@code link} is the session's link actor in {@code ActorRefResolver} form, resolved only when
   * it is used.
   */
  public record Connected(long epoch, String remoteAddress, String node, String link, Instant at)
      implements Event {}

  /** Session {@code epoch} ended; {@code offlineDeadline} is when it counts as lost. */
  public record Disconnected(long epoch, String reason, Instant offlineDeadline, Instant at)
      implements Event {}

  /** The device stayed offline past its grace period. */
  public record ConnectionLost(Instant at) implements Event {}

  /**
   * The {@code ups.status} flags changed; {@code order} (added December 2026, null before) is the
   * revealing sample's place in the device's history.
   */
  public record StatusChanged(
      Set<StatusFlag> from, Set<StatusFlag> to, Instant at, SampleOrder order) implements Event {

    public StatusChanged(Set<StatusFlag> from, Set<StatusFlag> to, Instant at) {
      this(from, to, at, null);
    }
  }

  /** The temperature alarm was raised or cleared; {@code order} as in {@link StatusChanged}. */
  public record TemperatureAlarmChanged(
      boolean high, double temperature, Instant at, SampleOrder order) implements Event {

    public TemperatureAlarmChanged(boolean high, double temperature, Instant at) {
      this(high, temperature, at, null);
    }
  }

  /**
   * The reported firmware changed ({@code from} is null for the first report); {@code order} as in
   * {@link StatusChanged}.
   */
  public record FirmwareChanged(String from, String to, Instant at, SampleOrder order)
      implements Event {

    public FirmwareChanged(String from, String to, Instant at) {
      this(from, to, at, null);
    }
  }

  /**
   * An entry of the device's event log.
   *
   * @param type what happened
   * @param severity how urgent
   * @param cause what explains it when it is not a real fault ({@code SELF_TEST}, {@code
   *     CALIBRATION}), or null
   * @param deviceTime the device's own time for device-reported events, else null
   * @param deviceSeq the device's counter for device-reported events, else -1
   * @param details small string details
   * @param logged whether the plan at that instant records it in the event log
   */
  public record EventRaised(
      EventType type,
      Severity severity,
      String cause,
      Instant deviceTime,
      long deviceSeq,
      SortedMap<String, String> details,
      boolean logged,
      Instant at)
      implements Event {}

  // --------------------------------------------------------------------------------------- state

  /**
   * The entity's state by lifecycle: {@link EmptyDevice} until registered, then {@link
   * RegisteredDevice}. Immutable; event handlers are pure and depend on the event and the state
   * only.
   */
  public sealed interface State extends CborSerializable permits EmptyDevice, RegisteredDevice {}
}
