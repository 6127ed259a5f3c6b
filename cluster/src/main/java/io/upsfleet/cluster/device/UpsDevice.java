package io.upsfleet.cluster.device;

import io.upsfleet.cluster.CborSerializable;
import io.upsfleet.cluster.operation.CommandMessage;
import io.upsfleet.cluster.operation.CommandReport;
import io.upsfleet.cluster.operation.CommandStatus;
import io.upsfleet.cluster.operation.CommandType;
import io.upsfleet.cluster.operation.DeviceCommand;
import io.upsfleet.cluster.operation.FirmwareCatalog;
import io.upsfleet.cluster.plan.Feature;
import io.upsfleet.cluster.plan.Grant;
import io.upsfleet.cluster.plan.Plan;
import io.upsfleet.cluster.plan.PlanRecord;
import io.upsfleet.cluster.plan.PlanSchedule;
import io.upsfleet.cluster.plan.PlanStatus;
import io.upsfleet.cluster.plan.PlanTerm;
import io.upsfleet.cluster.plan.PlanTimeline;
import io.upsfleet.cluster.plan.Sku;
import io.upsfleet.cluster.plan.TermSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReplyBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One UPS, identified by its serial: the single writer of everything the gateway knows about it.
 *
 * <p>Lifecycle: an entity starts empty and becomes a device when {@link Register}ed. A device
 * connects ({@link Attach}, which opens a new session epoch and closes an older session's link),
 * reports telemetry and events, and disconnects ({@link Detach}, or its link stops). A device
 * offline longer than the offline grace gets {@code CONNECTION_LOST}; the deadline is persisted
 * state and re-armed on recovery. The entity is never passivated while its device is connected or a
 * deadline is pending; otherwise it passivates itself after {@link
 * DeviceSettings#idlePassivation()}.
 *
 * <p>Persisted: registration, connections and disconnections, status-flag changes derived from
 * telemetry, firmware changes, and every event raised (device reports and derived alarms).
 * Telemetry samples are kept in memory only: they are a firehose, the facts derived from them are
 * what is persisted.
 */
public final class UpsDevice
    extends EventSourcedBehaviorWithEnforcedReplies<
        UpsDevice.Command, UpsDevice.Event, UpsDevice.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "UpsDevice");

  /** Tag prefix of every event; the tag is {@code device-N} with N in {@code 0..tagSlices-1}. */
  public static final String TAG_PREFIX = "device-";

  // ----------------------------------------------------------------------------------------
  // commands

  /** A message the entity handles. */
  public sealed interface Command extends CborSerializable {}

  /** Makes the entity a registered device of an account. Replies {@link Confirmation}. */
  public record Register(String model, String accountId, ActorRef<Confirmation> replyTo)
      implements Command {}

  /**
   * Opens a session for an authenticated connection. Replies {@link Attachment} with the session
   * epoch, or {@link Confirmation.Rejected} when the device is not registered, or ({@code
   * STALE_SESSION}) when it arrives after {@code notAfter}: the edge has given up on it by then (an
   * attach held up while its shard moved to another node must not take over the device's newer
   * session). {@code notAfter} may be null.
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

  /** A validated sample from session {@code epoch}; fire and forget. */
  public record RecordTelemetry(long epoch, Telemetry telemetry) implements Command {}

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
   * Requests a remote operation. Checked against the plan (refusal names the plan needed), the
   * model and running operations; persisted; sent at once when the device is connected, else when
   * it reconnects within {@code ttl}. With an {@code idempotencyKey} seen before, the earlier
   * command is the answer. Replies {@link CommandAccepted} or {@link CommandRefused}.
   */
  public record RequestCommand(
      CommandType type,
      SortedMap<String, String> params,
      Duration ttl,
      String by,
      String idempotencyKey,
      ActorRef<CommandReply> replyTo)
      implements Command {}

  /**
   * Cancels a command that has not been sent. Replies {@link CommandAccepted} or {@link
   * CommandRefused}.
   */
  public record CancelCommand(String commandId, String by, ActorRef<CommandReply> replyTo)
      implements Command {}

  /** Lists the device's commands, newest first. Replies {@link CommandList}. */
  public record GetCommands(ActorRef<CommandReply> replyTo) implements Command {}

  /** The device acknowledged (PUBACK) the publish of a command in session {@code epoch}. */
  public record CommandDelivered(long epoch, String commandId) implements Command {}

  /** A device's report on a command; replied to once persisted, so the edge can acknowledge it. */
  public record RecordCommandResult(
      long epoch, CommandReport report, ActorRef<Confirmation> replyTo) implements Command {}

  /** Asks for the live view of the device. Replies {@link DeviceSnapshot}. */
  public record GetSnapshot(ActorRef<DeviceSnapshot> replyTo) implements Command {}

  /** Wakes the entity so it re-checks its deadlines and its link (sent by the watchdog). */
  public record Wake() implements Command {}

  /** Internal: the link of session {@code epoch} stopped. */
  record LinkTerminated(long epoch) implements Command {}

  /** Internal: a persisted deadline may have passed. */
  record CheckDeadlines() implements Command {}

  /** Internal: periodic check whether the entity may passivate. */
  record IdleCheck() implements Command {}

  // -----------------------------------------------------------------------------------------
  // replies

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

  /** Reply to the remote-operation commands. */
  public sealed interface CommandReply extends CborSerializable {}

  /** The command as it stands (new, or the earlier one of the same idempotency key). */
  public record CommandAccepted(DeviceCommand command, String accountId) implements CommandReply {}

  /** Why an operation was refused; {@code requiredPlan} is set when the plan is the reason. */
  public record CommandRefused(
      RefusalReason reason, String message, Plan requiredPlan, String accountId)
      implements CommandReply {}

  /** The device's commands, newest first, and its account (for tenancy checks by callers). */
  public record CommandList(List<DeviceCommand> commands, String accountId)
      implements CommandReply {}

  /** Why a remote operation was refused. */
  public enum RefusalReason {
    NOT_REGISTERED,
    PLAN,
    UNSUPPORTED,
    CONFLICT,
    NOT_FOUND,
    NOT_CANCELLABLE
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
      INVALID
    }
  }

  // ------------------------------------------------------------------------------------------
  // events

  /** A persisted fact about the device. Never rename or remove a component; add with defaults. */
  public sealed interface Event extends CborSerializable {
    Instant at();
  }

  /**
   * The device was registered to an account. {@code trialEnds}, {@code warrantyEnds} and {@code
   * batteryWarrantyEnds} were added later: null in old events, then derived from the settings.
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

  /** An assignment's grants were applied; {@code plan} is the result at {@code at}. */
  public record EntitlementsApplied(
      String assignmentId, List<Grant> grants, String by, PlanRecord plan, Instant at)
      implements Event {}

  /**
   * A remote operation was requested; {@code nextCommandDeadline} is for the read model's watchdog.
   */
  public record CommandRequested(DeviceCommand command, Instant nextCommandDeadline, Instant at)
      implements Event {}

  /**
   * A command changed status (sent, acknowledged, progressed, finished). {@code reason} explains a
   * failure, expiry, time-out or cancellation.
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

  /** Newer firmware was offered for this device (recorded once per version). */
  public record FirmwareOffered(String version, Instant at) implements Event {}

  /**
   * The plan was examined up to {@code checkedUntil} (changes and reminders before it are done).
   */
  public record PlanChecked(Instant checkedUntil, PlanRecord plan, Instant at) implements Event {}

  /**
   * Session {@code epoch} started from {@code remoteAddress}, served by the edge on {@code node};
   * {@code link} is the session's link actor in {@link ActorRefResolver} form, resolved only when
   * it is used (replaying a device's history resolves none).
   */
  public record Connected(long epoch, String remoteAddress, String node, String link, Instant at)
      implements Event {}

  /** Session {@code epoch} ended; {@code offlineDeadline} is when it counts as lost. */
  public record Disconnected(long epoch, String reason, Instant offlineDeadline, Instant at)
      implements Event {}

  /** The device stayed offline past its grace period. */
  public record ConnectionLost(Instant at) implements Event {}

  /** The {@code ups.status} flags changed. */
  public record StatusChanged(Set<StatusFlag> from, Set<StatusFlag> to, Instant at)
      implements Event {}

  /** The temperature alarm was raised or cleared. */
  public record TemperatureAlarmChanged(boolean high, double temperature, Instant at)
      implements Event {}

  /** The reported firmware changed ({@code from} is null for the first report). */
  public record FirmwareChanged(String from, String to, Instant at) implements Event {}

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

  // -------------------------------------------------------------------------------------------
  // state

  /**
   * The persisted state. Immutable; transitions return a new state.
   *
   * @param serial the serial number (the entity id)
   * @param model the model, null until registered
   * @param accountId the owning account, null until registered
   * @param registeredAt null until registered
   * @param epoch the latest session epoch (0 = never connected)
   * @param online whether session {@code epoch} is open
   * @param link the link of the open session in {@link ActorRefResolver} form, or null
   * @param remoteAddress where the latest session came from
   * @param node the node whose edge serves the latest session
   * @param connectedSince start of the open session, or of the latest one
   * @param disconnectedAt end of the latest session, null while online
   * @param offlineDeadline when an offline device counts as lost; null when none is pending
   * @param connectionLost whether {@code CONNECTION_LOST} was raised for the current outage
   * @param status the latest status flags
   * @param temperatureHigh whether the temperature alarm is raised
   * @param firmware the latest reported firmware, or null
   * @param recentReports keys of recently persisted device reports, for de-duplicating re-sends
   * @param timeline the plan terms
   * @param warrantyEnds end of the electronics warranty
   * @param batteryWarrantyEnds end of the battery warranty
   * @param planCheckedUntil plan changes and reminders up to here have been raised
   * @param commands the unfinished commands and the latest finished ones, newest last
   * @param desiredSensitivity the input sensitivity last set by a successful command (the device's
   *     "shadow"), or null
   * @param firmwareOffered the firmware version last offered with FIRMWARE_AVAILABLE, or null
   * @param appliedAssignments every license assignment applied (they must apply once, forever);
   *     null in old snapshots
   */
  public record State(
      String serial,
      String model,
      String accountId,
      Instant registeredAt,
      long epoch,
      boolean online,
      String link,
      String remoteAddress,
      String node,
      Instant connectedSince,
      Instant disconnectedAt,
      Instant offlineDeadline,
      boolean connectionLost,
      Set<StatusFlag> status,
      boolean temperatureHigh,
      String firmware,
      List<String> recentReports,
      PlanTimeline timeline,
      Instant warrantyEnds,
      Instant batteryWarrantyEnds,
      Instant planCheckedUntil,
      List<DeviceCommand> commands,
      String desiredSensitivity,
      String firmwareOffered,
      Set<String> appliedAssignments)
      implements CborSerializable {

    static final int RECENT_REPORTS = 64;

    static State empty(String serial) {
      return new State(
          serial,
          null,
          null,
          null,
          0,
          false,
          null,
          null,
          null,
          null,
          null,
          null,
          false,
          Set.of(),
          false,
          null,
          List.of(),
          PlanTimeline.empty(),
          null,
          null,
          null,
          List.of(),
          null,
          null,
          Set.of());
    }

    boolean registered() {
      return registeredAt != null;
    }

    State registered(Registered e, PlanTimeline trial, Instant warranty, Instant battery) {
      return new State(
          serial,
          e.model(),
          e.accountId(),
          e.at(),
          epoch,
          online,
          link,
          remoteAddress,
          node,
          connectedSince,
          disconnectedAt,
          offlineDeadline,
          connectionLost,
          status,
          temperatureHigh,
          firmware,
          recentReports,
          trial,
          warranty,
          battery,
          e.at(),
          commands,
          desiredSensitivity,
          firmwareOffered,
          appliedAssignments);
    }

    State withTimeline(PlanTimeline t, Instant warranty, Instant battery, Instant checkedUntil) {
      return new State(
          serial,
          model,
          accountId,
          registeredAt,
          epoch,
          online,
          link,
          remoteAddress,
          node,
          connectedSince,
          disconnectedAt,
          offlineDeadline,
          connectionLost,
          status,
          temperatureHigh,
          firmware,
          recentReports,
          t,
          warranty,
          battery,
          checkedUntil,
          commands,
          desiredSensitivity,
          firmwareOffered,
          appliedAssignments);
    }

    State connected(Connected e) {
      return new State(
          serial,
          model,
          accountId,
          registeredAt,
          e.epoch(),
          true,
          e.link(),
          e.remoteAddress(),
          e.node(),
          e.at(),
          null,
          null,
          false,
          status,
          temperatureHigh,
          firmware,
          recentReports,
          timeline,
          warrantyEnds,
          batteryWarrantyEnds,
          planCheckedUntil,
          commands,
          desiredSensitivity,
          firmwareOffered,
          appliedAssignments);
    }

    State disconnected(Disconnected e) {
      return new State(
          serial,
          model,
          accountId,
          registeredAt,
          epoch,
          false,
          null,
          remoteAddress,
          node,
          connectedSince,
          e.at(),
          e.offlineDeadline(),
          connectionLost,
          status,
          temperatureHigh,
          firmware,
          recentReports,
          timeline,
          warrantyEnds,
          batteryWarrantyEnds,
          planCheckedUntil,
          commands,
          desiredSensitivity,
          firmwareOffered,
          appliedAssignments);
    }

    State lost() {
      return new State(
          serial,
          model,
          accountId,
          registeredAt,
          epoch,
          online,
          link,
          remoteAddress,
          node,
          connectedSince,
          disconnectedAt,
          null,
          true,
          status,
          temperatureHigh,
          firmware,
          recentReports,
          timeline,
          warrantyEnds,
          batteryWarrantyEnds,
          planCheckedUntil,
          commands,
          desiredSensitivity,
          firmwareOffered,
          appliedAssignments);
    }

    State withStatus(Set<StatusFlag> to) {
      return new State(
          serial,
          model,
          accountId,
          registeredAt,
          epoch,
          online,
          link,
          remoteAddress,
          node,
          connectedSince,
          disconnectedAt,
          offlineDeadline,
          connectionLost,
          Set.copyOf(to),
          temperatureHigh,
          firmware,
          recentReports,
          timeline,
          warrantyEnds,
          batteryWarrantyEnds,
          planCheckedUntil,
          commands,
          desiredSensitivity,
          firmwareOffered,
          appliedAssignments);
    }

    State withTemperatureHigh(boolean high) {
      return new State(
          serial,
          model,
          accountId,
          registeredAt,
          epoch,
          online,
          link,
          remoteAddress,
          node,
          connectedSince,
          disconnectedAt,
          offlineDeadline,
          connectionLost,
          status,
          high,
          firmware,
          recentReports,
          timeline,
          warrantyEnds,
          batteryWarrantyEnds,
          planCheckedUntil,
          commands,
          desiredSensitivity,
          firmwareOffered,
          appliedAssignments);
    }

    State withFirmware(String to) {
      return new State(
          serial,
          model,
          accountId,
          registeredAt,
          epoch,
          online,
          link,
          remoteAddress,
          node,
          connectedSince,
          disconnectedAt,
          offlineDeadline,
          connectionLost,
          status,
          temperatureHigh,
          to,
          recentReports,
          timeline,
          warrantyEnds,
          batteryWarrantyEnds,
          planCheckedUntil,
          commands,
          desiredSensitivity,
          firmwareOffered,
          appliedAssignments);
    }

    static final int FINISHED_KEPT = 50;

    State withCommands(List<DeviceCommand> cmds, String desired, String offered) {
      // Unfinished commands are all kept; of the finished, the latest few (the event log keeps the
      // history).
      List<DeviceCommand> kept = new ArrayList<>();
      long finished = cmds.stream().filter(c -> c.status().isFinal()).count();
      for (DeviceCommand c : cmds) {
        if (c.status().isFinal() && finished-- > FINISHED_KEPT) continue;
        kept.add(c);
      }
      return new State(
          serial,
          model,
          accountId,
          registeredAt,
          epoch,
          online,
          link,
          remoteAddress,
          node,
          connectedSince,
          disconnectedAt,
          offlineDeadline,
          connectionLost,
          status,
          temperatureHigh,
          firmware,
          recentReports,
          timeline,
          warrantyEnds,
          batteryWarrantyEnds,
          planCheckedUntil,
          List.copyOf(kept),
          desired,
          offered,
          appliedAssignments);
    }

    boolean applied(String assignmentId) {
      return (appliedAssignments != null && appliedAssignments.contains(assignmentId))
          || timeline.contains(assignmentId);
    }

    State withAssignment(String assignmentId) {
      java.util.Set<String> ids =
          new java.util.HashSet<>(appliedAssignments == null ? Set.of() : appliedAssignments);
      ids.add(assignmentId);
      return new State(
          serial,
          model,
          accountId,
          registeredAt,
          epoch,
          online,
          link,
          remoteAddress,
          node,
          connectedSince,
          disconnectedAt,
          offlineDeadline,
          connectionLost,
          status,
          temperatureHigh,
          firmware,
          recentReports,
          timeline,
          warrantyEnds,
          batteryWarrantyEnds,
          planCheckedUntil,
          commands,
          desiredSensitivity,
          firmwareOffered,
          Set.copyOf(ids));
    }

    java.util.Optional<DeviceCommand> command(String id) {
      return commands.stream().filter(c -> c.id().equals(id)).findFirst();
    }

    java.util.Optional<DeviceCommand> activeFirmwareUpgrade() {
      return commands.stream()
          .filter(c -> c.type() == CommandType.FIRMWARE_UPGRADE && !c.status().isFinal())
          .findFirst();
    }

    State requested(DeviceCommand c) {
      List<DeviceCommand> cmds = new ArrayList<>(commands);
      cmds.add(c);
      return withCommands(cmds, desiredSensitivity, firmwareOffered);
    }

    State updated(CommandUpdated e) {
      List<DeviceCommand> cmds = new ArrayList<>();
      String desired = desiredSensitivity;
      for (DeviceCommand c : commands) {
        if (c.id().equals(e.commandId())
            && e.status() == CommandStatus.SUCCEEDED
            && c.type() == CommandType.SET_INPUT_SENSITIVITY) {
          desired =
              c.params()
                  .get("sensitivity"); // the shadow holds what the device confirmed it was asked
        }
        if (!c.id().equals(e.commandId())) {
          cmds.add(c);
        } else if (e.status() == CommandStatus.SENT) {
          cmds.add(c.sent(e.at(), e.epoch()));
        } else {
          cmds.add(
              c.with(
                  e.status(),
                  e.progress() != null ? e.progress() : c.progress(),
                  e.reason(),
                  e.at(),
                  e.epoch()));
        }
      }
      return withCommands(cmds, desired, firmwareOffered);
    }

    State offered(String version) {
      return withCommands(commands, desiredSensitivity, version);
    }

    /** The earliest TTL or execution time-out among unfinished commands, or null. */
    Instant nextCommandDeadline() {
      Instant next = null;
      for (DeviceCommand c : commands) {
        Instant d = c.deadline();
        if (d != null && (next == null || d.isBefore(next))) next = d;
      }
      return next;
    }

    State withReport(String key) {
      ArrayDeque<String> keys = new ArrayDeque<>(recentReports);
      keys.addLast(key);
      while (keys.size() > RECENT_REPORTS) keys.removeFirst();
      return new State(
          serial,
          model,
          accountId,
          registeredAt,
          epoch,
          online,
          link,
          remoteAddress,
          node,
          connectedSince,
          disconnectedAt,
          offlineDeadline,
          connectionLost,
          status,
          temperatureHigh,
          firmware,
          List.copyOf(keys),
          timeline,
          warrantyEnds,
          batteryWarrantyEnds,
          planCheckedUntil,
          commands,
          desiredSensitivity,
          firmwareOffered,
          appliedAssignments);
    }
  }

  // -----------------------------------------------------------------------------------------
  // factory

  /**
   * The behavior of the entity of {@code serial}; {@code shard} receives its passivation requests.
   */
  public static Behavior<Command> create(
      String serial,
      ActorRef<ClusterSharding.ShardCommand> shard,
      DeviceSettings settings,
      Clock clock) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new UpsDevice(serial, shard, settings, clock, ctx, timers)));
  }

  /** The journal tag of a serial's events. */
  public static String tagFor(String serial, int slices) {
    return TAG_PREFIX + Math.floorMod(serial.hashCode(), slices);
  }

  private static final Object DEADLINE_TIMER = "deadline";
  private static final Object IDLE_TIMER = "idle";
  static final int SNAPSHOT_EVERY = 20;

  private final String serial;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final DeviceSettings settings;
  private final Clock clock;
  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final String tag;
  private final ActorRefResolver resolver;

  /** In memory only: the latest sample and when anything was last heard from the device. */
  private Telemetry latest;

  private Instant lastSeen;
  private Instant lastActivity;

  /** In memory: the firmware string and offer last looked up in the catalogue. */
  private String catalogCheckedFirmware;

  private String catalogCheckedOffer;

  private UpsDevice(
      String serial,
      ActorRef<ClusterSharding.ShardCommand> shard,
      DeviceSettings settings,
      Clock clock,
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers) {
    super(
        PersistenceId.of(ENTITY_TYPE_KEY.name(), serial),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.serial = serial;
    this.shard = shard;
    this.settings = settings;
    this.clock = clock;
    this.ctx = ctx;
    this.timers = timers;
    this.tag = tagFor(serial, settings.tagSlices());
    this.resolver = ActorRefResolver.get(ctx.getSystem());
    this.lastActivity = clock.instant();
  }

  // ---------------------------------------------------------------------------------------
  // overrides

  @Override
  public State emptyState() {
    return State.empty(serial);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // A device's recovery replays at most this many events after its latest snapshot: a reconnect
    // storm
    // recovers every entity at once, and replaying (deserializing) was its largest cost
    // (BENCHMARKS.md).
    return RetentionCriteria.snapshotEvery(SNAPSHOT_EVERY, 2);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of(tag);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::onRecovered)
        .build();
  }

  /** The link of the open session, or null. */
  private ActorRef<DeviceLink.Message> linkOf(State s) {
    return s.link() == null ? null : resolver.resolveActorRef(s.link());
  }

  private void onRecovered(State state) {
    if (state.online() && state.link() != null) {
      // After a restart or rebalance the link may live on a node that is gone: watching it tells.
      ctx.watchWith(linkOf(state), new LinkTerminated(state.epoch()));
    }
    armDeadline(state);
    armPlanDeadline(state);
    armCommandDeadline(state);
    timers.startTimerWithFixedDelay(IDLE_TIMER, new IdleCheck(), idleCheckInterval());
  }

  private Duration idleCheckInterval() {
    Duration half = settings.idlePassivation().dividedBy(2);
    return half.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : half;
  }

  // -------------------------------------------------------------------------------- command
  // handlers

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> b = newCommandHandlerWithReplyBuilder();
    b.forAnyState()
        .onCommand(Register.class, this::onRegister)
        .onCommand(Attach.class, this::onAttach)
        .onCommand(Detach.class, (s, c) -> onDetach(s, c.epoch(), c.reason()))
        .onCommand(LinkTerminated.class, (s, c) -> onDetach(s, c.epoch(), "LINK_STOPPED"))
        .onCommand(RecordTelemetry.class, this::onTelemetry)
        .onCommand(RecordEvent.class, this::onEvent)
        .onCommand(GetSnapshot.class, (s, c) -> Effect().reply(c.replyTo(), snapshot(s)))
        .onCommand(RequestCommand.class, this::onRequestCommand)
        .onCommand(CancelCommand.class, this::onCancelCommand)
        .onCommand(
            GetCommands.class,
            (s, c) -> {
              List<DeviceCommand> newestFirst = new ArrayList<>(s.commands());
              Collections.reverse(newestFirst);
              return Effect().reply(c.replyTo(), new CommandList(newestFirst, s.accountId()));
            })
        .onCommand(CommandDelivered.class, this::onCommandDelivered)
        .onCommand(RecordCommandResult.class, this::onCommandResult)
        .onCommand(ApplyEntitlements.class, this::onApplyEntitlements)
        .onCommand(PreviewEntitlements.class, this::onPreviewEntitlements)
        .onCommand(
            GetPlan.class,
            (s, c) ->
                Effect()
                    .reply(
                        c.replyTo(),
                        s.registered() ? planSummary(s, clock.instant()) : notRegistered()))
        .onCommand(Wake.class, this::onWake)
        .onCommand(CheckDeadlines.class, this::onCheckDeadlines)
        .onCommand(IdleCheck.class, this::onIdleCheck);
    return b.build();
  }

  private ReplyEffect<Event, State> onRegister(State s, Register c) {
    touch();
    if (s.registered()) {
      return Effect()
          .reply(
              c.replyTo(),
              new Confirmation.Rejected(
                  Confirmation.Reason.ALREADY_REGISTERED,
                  "device " + serial + " is already registered"));
    }
    Instant now = clock.instant();
    Instant trialEnds = plus(now, settings.trialLength());
    Instant warranty = plus(now, settings.warranty());
    Registered e =
        new Registered(
            serial,
            c.model(),
            c.accountId(),
            now,
            trialEnds,
            warranty,
            plus(now, batteryWarrantyFor(c.model())));
    State after = applyRegistered(State.empty(serial), e);
    return Effect()
        .persist(List.of(e, new PlanChecked(now, planRecord(after, now), now)))
        .thenRun(this::armPlanDeadline)
        .thenReply(c.replyTo(), st -> new Confirmation.Accepted());
  }

  /**
   * A lead-acid device registered for the trial gets a year more battery warranty; lithium does
   * not.
   */
  private Period batteryWarrantyFor(String model) {
    return DeviceModels.chemistryOf(model) == DeviceModels.Chemistry.LEAD_ACID
        ? settings.batteryWarranty().plus(settings.trialBatteryBonus())
        : settings.batteryWarranty();
  }

  private static Instant plus(Instant at, Period p) {
    return at.atOffset(ZoneOffset.UTC).plus(p).toInstant();
  }

  private static Confirmation.Rejected notRegistered(String serial) {
    return new Confirmation.Rejected(
        Confirmation.Reason.NOT_REGISTERED, "device " + serial + " is not registered");
  }

  private Confirmation.Rejected notRegistered() {
    return notRegistered(serial);
  }

  // ------------------------------------------------------------------------------ remote
  // operations

  private ReplyEffect<Event, State> onRequestCommand(State s, RequestCommand c) {
    touch();
    if (!s.registered()) {
      return Effect()
          .reply(
              c.replyTo(),
              new CommandRefused(
                  RefusalReason.NOT_REGISTERED,
                  "device " + serial + " is not registered",
                  null,
                  null));
    }
    if (c.idempotencyKey() != null) {
      for (DeviceCommand existing : s.commands()) {
        if (c.idempotencyKey().equals(existing.idempotencyKey())) {
          return Effect().reply(c.replyTo(), new CommandAccepted(existing, s.accountId()));
        }
      }
    }
    Instant now = clock.instant();
    Plan plan = planAt(s, now).plan();
    java.util.Optional<String> gate = c.type().feature().check(plan);
    if (gate.isPresent()) {
      return refuse(
          s,
          c,
          RefusalReason.PLAN,
          gate.get()
              + (c.type() == CommandType.FIRMWARE_UPGRADE
                  ? " (on Basic, start the upgrade from the UPS's LCD)"
                  : ""),
          c.type().feature().minimumPlan());
    }
    java.util.Optional<DeviceCommand> upgrading = s.activeFirmwareUpgrade();
    if (upgrading.isPresent()) {
      return refuse(
          s,
          c,
          RefusalReason.CONFLICT,
          "a firmware upgrade is in progress (command "
              + upgrading.get().id()
              + "); other operations wait until it ends",
          null);
    }
    TreeMap<String, String> params = new TreeMap<>(c.params());
    switch (c.type()) {
      case OUTLET_GROUP_REBOOT -> {
        int groups = DeviceModels.find(s.model()).map(DeviceModels.Model::outletGroups).orElse(3);
        int group;
        try {
          group = Integer.parseInt(params.getOrDefault("group", "0"));
        } catch (NumberFormatException e) {
          group = -1;
        }
        if (group < 0 || group >= groups) {
          return refuse(
              s,
              c,
              RefusalReason.UNSUPPORTED,
              "model "
                  + s.model()
                  + " has outlet groups 0.."
                  + (groups - 1)
                  + " (0 is the main outlet group)",
              null);
        }
      }
      case FIRMWARE_UPGRADE -> {
        if (s.firmware() == null) {
          return refuse(
              s,
              c,
              RefusalReason.UNSUPPORTED,
              "the device has not reported its firmware yet",
              null);
        }
        java.util.Optional<FirmwareCatalog.Release> release =
            FirmwareCatalog.upgradeFor(familyOf(s.model()), s.firmware());
        if (release.isEmpty()) {
          return refuse(
              s,
              c,
              RefusalReason.UNSUPPORTED,
              "no newer firmware for " + s.model() + " running " + s.firmware(),
              null);
        }
        String target = release.get().version().render();
        String asked = params.get("version");
        if (asked != null && !asked.equals(target)) {
          return refuse(
              s,
              c,
              RefusalReason.UNSUPPORTED,
              "firmware "
                  + asked
                  + " is not for this model's family and"
                  + " platform; the right one is "
                  + target,
              null);
        }
        params.put("version", target);
        params.put(
            "loadUnprotected", Boolean.toString(release.get().loadUnprotectedDuringUpgrade()));
      }
      default -> {}
    }
    DeviceCommand cmd =
        new DeviceCommand(
            UUID.randomUUID().toString(),
            c.type(),
            params,
            c.by(),
            now,
            now.plus(c.ttl()),
            c.idempotencyKey(),
            CommandStatus.PENDING,
            null,
            null,
            null,
            now,
            s.epoch());
    List<Event> events = new ArrayList<>();
    events.add(new CommandRequested(cmd, null, now));
    TreeMap<String, String> details = new TreeMap<>(params);
    details.put("command", cmd.id());
    details.put("operation", c.type().name());
    details.put("by", c.by());
    events.add(
        new EventRaised(
            EventType.USER_ACTION,
            EventType.USER_ACTION.severity(),
            null,
            null,
            -1,
            details,
            true,
            now));
    boolean send = s.online() && s.link() != null;
    if (send)
      events.add(
          new CommandUpdated(cmd.id(), CommandStatus.SENT, null, null, s.epoch(), null, now));
    ActorRef<DeviceLink.Message> link = linkOf(s);
    return Effect()
        .persist(stampDeadlines(s, events))
        .thenRun(
            st -> {
              if (send) link.tell(new DeviceLink.Deliver(CommandMessage.of(cmd)));
              armCommandDeadline(st);
            })
        .thenReply(
            c.replyTo(),
            st -> new CommandAccepted(st.command(cmd.id()).orElse(cmd), st.accountId()));
  }

  private ReplyEffect<Event, State> refuse(
      State s, RequestCommand c, RefusalReason reason, String message, Plan needed) {
    return Effect().reply(c.replyTo(), new CommandRefused(reason, message, needed, s.accountId()));
  }

  private static String familyOf(String model) {
    return DeviceModels.find(model)
        .map(DeviceModels.Model::family)
        .orElseGet(() -> model.replaceAll("[0-9].*$", ""));
  }

  private ReplyEffect<Event, State> onCancelCommand(State s, CancelCommand c) {
    java.util.Optional<DeviceCommand> cmd = s.command(c.commandId());
    if (cmd.isEmpty()) {
      return Effect()
          .reply(
              c.replyTo(),
              new CommandRefused(
                  RefusalReason.NOT_FOUND, "no command " + c.commandId(), null, s.accountId()));
    }
    if (cmd.get().status() != CommandStatus.PENDING) {
      return Effect()
          .reply(
              c.replyTo(),
              new CommandRefused(
                  RefusalReason.NOT_CANCELLABLE,
                  "command "
                      + c.commandId()
                      + " is "
                      + cmd.get().status()
                      + "; only a PENDING command can be cancelled",
                  null,
                  s.accountId()));
    }
    Instant now = clock.instant();
    return Effect()
        .persist(
            stampDeadlines(
                s,
                List.of(
                    new CommandUpdated(
                        c.commandId(),
                        CommandStatus.CANCELLED,
                        null,
                        "cancelled by " + c.by(),
                        s.epoch(),
                        null,
                        now))))
        .thenRun(this::armCommandDeadline)
        .thenReply(
            c.replyTo(),
            st -> new CommandAccepted(st.command(c.commandId()).orElseThrow(), st.accountId()));
  }

  private ReplyEffect<Event, State> onCommandDelivered(State s, CommandDelivered c) {
    java.util.Optional<DeviceCommand> cmd = s.command(c.commandId());
    if (c.epoch() != s.epoch() || cmd.isEmpty() || cmd.get().status() != CommandStatus.SENT) {
      return Effect().none().thenNoReply();
    }
    return Effect()
        .persist(
            stampDeadlines(
                s,
                List.of(
                    new CommandUpdated(
                        c.commandId(),
                        CommandStatus.ACKNOWLEDGED,
                        null,
                        null,
                        s.epoch(),
                        null,
                        clock.instant()))))
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onCommandResult(State s, RecordCommandResult c) {
    touch();
    CommandReport r = c.report();
    java.util.Optional<DeviceCommand> found = s.command(r.id());
    if (found.isEmpty()) {
      return Effect()
          .reply(
              c.replyTo(),
              new Confirmation.Rejected(Confirmation.Reason.INVALID, "no command " + r.id()));
    }
    DeviceCommand cmd = found.get();
    if (cmd.status().isFinal())
      return Effect().reply(c.replyTo(), new Confirmation.Accepted()); // a re-send
    Instant now = r.receivedAt();
    List<Event> events = new ArrayList<>();
    switch (r.status()) {
      case ACCEPTED, IN_PROGRESS ->
          events.add(
              new CommandUpdated(
                  cmd.id(),
                  CommandStatus.ACKNOWLEDGED,
                  r.progressText(),
                  null,
                  s.epoch(),
                  null,
                  now));
      case SUCCEEDED -> succeeded(s, cmd, r, now, events);
      case FAILED, REJECTED -> {
        String reason =
            (r.status() == CommandReport.Status.REJECTED ? "rejected by the device" : "failed")
                + (r.reason() != null ? ": " + r.reason() : "");
        events.add(
            new CommandUpdated(
                cmd.id(), CommandStatus.FAILED, r.progressText(), reason, s.epoch(), null, now));
        if (cmd.type() == CommandType.FIRMWARE_UPGRADE) {
          events.add(
              raised(s, EventType.FIRMWARE_FAILED, null, now, details(cmd, "reason", reason)));
        }
      }
    }
    return Effect()
        .persist(stampDeadlines(s, events))
        .thenRun(this::armCommandDeadline)
        .thenReply(c.replyTo(), st -> new Confirmation.Accepted());
  }

  /**
   * A device's success, and the event each operation's success is. Firmware success waits for the
   * version.
   */
  private void succeeded(
      State s, DeviceCommand cmd, CommandReport r, Instant now, List<Event> events) {
    switch (cmd.type()) {
      case FIRMWARE_UPGRADE -> {
        if (sameFirmware(cmd.params().get("version"), s.firmware())) {
          events.add(
              new CommandUpdated(
                  cmd.id(), CommandStatus.SUCCEEDED, "done", null, s.epoch(), null, now));
        } else {
          // The device's word alone is not enough: success is the new version reported in
          // telemetry.
          events.add(
              new CommandUpdated(
                  cmd.id(),
                  CommandStatus.ACKNOWLEDGED,
                  "verifying version",
                  null,
                  s.epoch(),
                  null,
                  now));
        }
      }
      case OUTLET_GROUP_REBOOT -> {
        events.add(
            new CommandUpdated(
                cmd.id(), CommandStatus.SUCCEEDED, "done", null, s.epoch(), null, now));
        events.add(
            raised(
                s,
                EventType.OUTLET_GROUP_REBOOTED,
                null,
                now,
                details(cmd, "group", cmd.params().get("group"))));
      }
      case SET_INPUT_SENSITIVITY -> {
        events.add(
            new CommandUpdated(
                cmd.id(), CommandStatus.SUCCEEDED, "done", null, s.epoch(), null, now));
        events.add(
            raised(
                s,
                EventType.SENSITIVITY_CHANGED,
                null,
                now,
                details(cmd, "sensitivity", cmd.params().get("sensitivity"))));
      }
      case SELF_TEST -> {
        events.add(
            new CommandUpdated(
                cmd.id(), CommandStatus.SUCCEEDED, "done", null, s.epoch(), null, now));
        boolean failed = "failed".equals(r.result());
        EventType type = failed ? EventType.SELF_TEST_FAILED : EventType.SELF_TEST_PASSED;
        events.add(
            raised(
                s, type, "SELF_TEST", now, details(cmd, "result", failed ? "failed" : "passed")));
      }
    }
  }

  private static TreeMap<String, String> details(DeviceCommand cmd, String key, String value) {
    TreeMap<String, String> d = new TreeMap<>();
    d.put("command", cmd.id());
    if (value != null) d.put(key, value);
    return d;
  }

  /** Puts the device's next command deadline (after all {@code events}) on each command event. */
  private List<Event> stampDeadlines(State s, List<Event> events) {
    State after = s;
    for (Event e : events) after = eventHandler().apply(after, e);
    Instant deadline = after.nextCommandDeadline();
    List<Event> out = new ArrayList<>(events.size());
    for (Event e : events) {
      if (e instanceof CommandRequested r) {
        out.add(new CommandRequested(r.command(), deadline, r.at()));
      } else if (e instanceof CommandUpdated u) {
        out.add(
            new CommandUpdated(
                u.commandId(), u.status(), u.progress(), u.reason(), u.epoch(), deadline, u.at()));
      } else {
        out.add(e);
      }
    }
    return out;
  }

  private static final Object COMMAND_TIMER = "commands";

  private void armCommandDeadline(State s) {
    Instant next = s.nextCommandDeadline();
    if (next == null) {
      timers.cancel(COMMAND_TIMER);
      return;
    }
    Duration wait = Duration.between(clock.instant(), next);
    timers.startSingleTimer(
        COMMAND_TIMER, new CheckDeadlines(), wait.isNegative() ? Duration.ZERO : wait);
  }

  /**
   * Commands whose TTL passed while pending (EXPIRED, never sent) or that ran out of time
   * (TIMED_OUT).
   */
  private List<Event> commandDeadlines(State s, Instant now) {
    List<Event> events = new ArrayList<>();
    for (DeviceCommand c : s.commands()) {
      Instant d = c.deadline();
      if (d == null || d.isAfter(now)) continue;
      if (c.status() == CommandStatus.PENDING) {
        events.add(
            new CommandUpdated(
                c.id(),
                CommandStatus.EXPIRED,
                null,
                "its time-to-live passed before the device could take it",
                s.epoch(),
                null,
                now));
      } else {
        events.add(
            new CommandUpdated(
                c.id(),
                CommandStatus.TIMED_OUT,
                null,
                "the device did not finish it within "
                    + c.type().executionTimeout().toMinutes()
                    + " minutes",
                s.epoch(),
                null,
                now));
        if (c.type() == CommandType.FIRMWARE_UPGRADE) {
          events.add(
              raised(s, EventType.FIRMWARE_FAILED, null, now, details(c, "reason", "timed out")));
        }
      }
    }
    return events.isEmpty() ? events : stampDeadlines(s, events);
  }

  private ReplyEffect<Event, State> onApplyEntitlements(State s, ApplyEntitlements c) {
    touch();
    if (!s.registered()) return Effect().reply(c.replyTo(), notRegistered());
    Instant now = clock.instant();
    if (s.applied(c.assignmentId())) {
      return Effect().reply(c.replyTo(), planSummary(s, now)); // applied before: exactly once
    }
    // What fell due before this assignment (a lapse while the entity slept) is raised first.
    List<Event> events = new ArrayList<>(planEventsUntil(s, now));
    State before = s;
    for (Event e : events) before = eventHandler().apply(before, e);
    State after = applyGrants(before, c.assignmentId(), c.grants(), now);
    events.add(
        new EntitlementsApplied(c.assignmentId(), c.grants(), c.by(), planRecord(after, now), now));
    Plan planBefore = before.timeline().planAt(now);
    Plan nowPlan = after.timeline().planAt(now);
    if (planBefore != nowPlan) {
      TreeMap<String, String> details = new TreeMap<>();
      details.put("from", planBefore.name());
      details.put("to", nowPlan.name());
      details.put("assignment", c.assignmentId());
      events.add(
          new EventRaised(
              EventType.PLAN_CHANGED,
              EventType.PLAN_CHANGED.severity(),
              null,
              null,
              -1,
              details,
              true,
              now));
    }
    return Effect()
        .persist(events)
        .thenRun(this::armPlanDeadline)
        .thenReply(c.replyTo(), st -> planSummary(st, now));
  }

  private ReplyEffect<Event, State> onPreviewEntitlements(State s, PreviewEntitlements c) {
    if (!s.registered()) return Effect().reply(c.replyTo(), notRegistered());
    Instant now = clock.instant();
    return Effect()
        .reply(c.replyTo(), planSummary(applyGrants(s, "preview", c.grants(), now), now));
  }

  /**
   * The state after an assignment's grants: license terms placed on the timeline (a promotion's
   * bonus after its SKU's term), warranty extensions added to the warranty end (from now if it
   * already ended). Extended warranties extend monitoring too for devices registered before the
   * cut-off (2023-08-01).
   */
  private State applyGrants(State s, String assignmentId, List<Grant> grants, Instant at) {
    PlanTimeline t = s.timeline();
    Instant warranty = s.warrantyEnds();
    Instant battery = s.batteryWarrantyEnds();
    int i = 0;
    for (Grant g : grants) {
      String id = i++ == 0 ? assignmentId : assignmentId + "#" + (i - 1);
      Sku sku = g.sku();
      switch (sku.kind()) {
        case LICENSE -> t = t.assign(sku.plan(), sku.term(), g.source(), id, sku.code(), at);
        case WARRANTY, BATTERY_WARRANTY -> {
          if (sku.kind() == Sku.Kind.WARRANTY) warranty = plus(later(warranty, at), sku.term());
          battery = plus(later(battery, at), sku.term());
          if (s.registeredAt().isBefore(settings.warrantyMonitoringCutoff())) {
            t = t.assign(Plan.STANDARD, sku.term(), TermSource.WARRANTY, id, sku.code(), at);
          }
        }
      }
    }
    return s.withTimeline(t, warranty, battery, later(s.planCheckedUntil(), at));
  }

  private static Instant later(Instant a, Instant b) {
    return a == null || a.isBefore(b) ? b : a;
  }

  private ReplyEffect<Event, State> onAttach(State s, Attach c) {
    touch();
    if (!s.registered()) {
      return Effect()
          .reply(
              c.replyTo(),
              new Confirmation.Rejected(
                  Confirmation.Reason.NOT_REGISTERED, "device " + serial + " is not registered"));
    }
    Instant now = clock.instant();
    if (c.notAfter() != null && now.isAfter(c.notAfter())) {
      return Effect()
          .reply(
              c.replyTo(),
              new Confirmation.Rejected(
                  Confirmation.Reason.STALE_SESSION,
                  "the attach arrived after its deadline "
                      + c.notAfter()
                      + "; the edge has given up on it"));
    }
    long epoch = s.epoch() + 1;
    List<Event> events = new ArrayList<>(3);
    if (s.online()) {
      events.add(
          new Disconnected(
              s.epoch(), DeviceLink.TAKEN_OVER, now.plus(settings.offlineGrace()), now));
    }
    events.add(
        new Connected(
            epoch, c.remoteAddress(), c.node(), resolver.toSerializationFormat(c.link()), now));
    if (s.connectionLost()) {
      events.add(raised(s, EventType.CONNECTION_RESTORED, null, now));
    }
    // Commands waiting for the device go out again with the same id (the device executes an id
    // once);
    // a pending command whose time-to-live passed is expired, never sent.
    List<CommandMessage> resend = new ArrayList<>();
    for (DeviceCommand cmd : s.commands()) {
      boolean waiting = cmd.status() == CommandStatus.PENDING || cmd.status() == CommandStatus.SENT;
      if (!waiting) continue;
      if (!now.isBefore(cmd.expiresAt())) {
        if (cmd.status() == CommandStatus.PENDING) {
          events.add(
              new CommandUpdated(
                  cmd.id(),
                  CommandStatus.EXPIRED,
                  null,
                  "its time-to-live passed before the device could take it",
                  epoch,
                  null,
                  now));
        }
        continue;
      }
      events.add(new CommandUpdated(cmd.id(), CommandStatus.SENT, null, null, epoch, null, now));
      resend.add(CommandMessage.of(cmd));
    }
    ActorRef<DeviceLink.Message> previous = s.online() ? linkOf(s) : null;
    return Effect()
        .persist(stampDeadlines(s, events))
        .thenRun(
            st -> {
              resend.forEach(m -> c.link().tell(new DeviceLink.Deliver(m)));
              armCommandDeadline(st);
              if (previous != null) {
                ctx.unwatch(previous);
                previous.tell(new DeviceLink.Close(DeviceLink.TAKEN_OVER));
              }
              ctx.watchWith(c.link(), new LinkTerminated(epoch));
              timers.cancel(DEADLINE_TIMER);
              lastSeen = now;
            })
        .thenReply(c.replyTo(), st -> new Attachment(epoch));
  }

  private ReplyEffect<Event, State> onDetach(State s, long epoch, String reason) {
    if (!s.online() || epoch != s.epoch()) {
      return Effect().none().thenNoReply(); // a late disconnect of an older session
    }
    Instant now = clock.instant();
    ActorRef<DeviceLink.Message> link = linkOf(s);
    return Effect()
        .persist(new Disconnected(epoch, reason, now.plus(settings.offlineGrace()), now))
        .thenRun(
            st -> {
              if (link != null) ctx.unwatch(link);
              armDeadline(st);
            })
        .thenNoReply();
  }

  private ReplyEffect<Event, State> onTelemetry(State s, RecordTelemetry c) {
    touch();
    if (!s.registered() || !s.online() || c.epoch() != s.epoch()) {
      return Effect().none().thenNoReply();
    }
    Telemetry t = c.telemetry();
    latest = t;
    lastSeen = t.receivedAt();
    List<Event> events = new ArrayList<>(deriveFacts(s, t));
    DeviceCommand shadow = sensitivityShadow(s, t);
    if (shadow != null) {
      events.add(new CommandRequested(shadow, null, t.receivedAt()));
      events.add(
          new CommandUpdated(
              shadow.id(), CommandStatus.SENT, null, null, s.epoch(), null, t.receivedAt()));
    }
    if (events.isEmpty()) return Effect().none().thenNoReply();
    ActorRef<DeviceLink.Message> link = linkOf(s);
    return Effect()
        .persist(stampDeadlines(s, events))
        .thenRun(
            st -> {
              if (shadow != null && link != null)
                link.tell(new DeviceLink.Deliver(CommandMessage.of(shadow)));
              armCommandDeadline(st);
            })
        .thenNoReply();
  }

  /** In memory: the session whose reported sensitivity was last compared with the desired one. */
  private long sensitivityCheckedEpoch = -1;

  /**
   * The device shadow: the first sample of a session reporting an input sensitivity other than the
   * one last asked for gets the desired value sent again (unless such a command is already under
   * way).
   */
  private DeviceCommand sensitivityShadow(State s, Telemetry t) {
    String reported = t.text(TelemetryVariable.INPUT_SENSITIVITY);
    if (reported == null || s.desiredSensitivity() == null || sensitivityCheckedEpoch == s.epoch())
      return null;
    sensitivityCheckedEpoch = s.epoch();
    boolean underWay =
        s.commands().stream()
            .anyMatch(c -> c.type() == CommandType.SET_INPUT_SENSITIVITY && !c.status().isFinal());
    if (reported.equals(s.desiredSensitivity())
        || underWay
        || s.activeFirmwareUpgrade().isPresent()) return null;
    if (!Feature.INPUT_SENSITIVITY.allowedOn(planAt(s, t.receivedAt()).plan())) return null;
    TreeMap<String, String> params = new TreeMap<>();
    params.put("sensitivity", s.desiredSensitivity());
    Instant now = t.receivedAt();
    return new DeviceCommand(
        UUID.randomUUID().toString(),
        CommandType.SET_INPUT_SENSITIVITY,
        params,
        "system",
        now,
        now.plus(Duration.ofHours(1)),
        null,
        CommandStatus.PENDING,
        null,
        null,
        null,
        now,
        s.epoch());
  }

  /** The facts a sample reveals: status transitions, the temperature alarm, a firmware change. */
  private List<Event> deriveFacts(State s, Telemetry t) {
    List<Event> events = new ArrayList<>(4);
    Instant now = t.receivedAt();
    String cause = causeOf(s, t.status());
    if (!t.status().equals(s.status())) {
      events.add(new StatusChanged(s.status(), t.status(), now));
      Set<StatusFlag> raised = EnumSet.noneOf(StatusFlag.class);
      raised.addAll(t.status());
      raised.removeAll(s.status());
      Set<StatusFlag> cleared = EnumSet.noneOf(StatusFlag.class);
      cleared.addAll(s.status());
      cleared.removeAll(t.status());
      if (raised.contains(StatusFlag.OB)) events.add(raised(s, EventType.ON_BATTERY, cause, now));
      if (cleared.contains(StatusFlag.OB))
        events.add(raised(s, EventType.POWER_RESTORED, null, now));
      if (raised.contains(StatusFlag.LB)) events.add(raised(s, EventType.LOW_BATTERY, cause, now));
      if (raised.contains(StatusFlag.RB))
        events.add(raised(s, EventType.BATTERY_REPLACE, null, now));
      if (raised.contains(StatusFlag.OVER)) events.add(raised(s, EventType.OVERLOAD, cause, now));
      if (cleared.contains(StatusFlag.OVER))
        events.add(raised(s, EventType.OVERLOAD_CLEARED, null, now));
    }
    Double temperature = t.number(TelemetryVariable.BATTERY_TEMPERATURE);
    if (temperature == null) temperature = t.number(TelemetryVariable.UPS_TEMPERATURE);
    if (temperature != null) {
      if (!s.temperatureHigh() && temperature > settings.temperatureHigh()) {
        events.add(new TemperatureAlarmChanged(true, temperature, now));
        events.add(
            raised(
                s,
                EventType.TEMPERATURE_HIGH,
                cause,
                now,
                new TreeMap<>(
                    Collections.singletonMap("temperature", Double.toString(temperature)))));
      } else if (s.temperatureHigh() && temperature < settings.temperatureClear()) {
        events.add(new TemperatureAlarmChanged(false, temperature, now));
      }
    }
    String firmware = t.text(TelemetryVariable.UPS_FIRMWARE);
    if (firmware != null && !firmware.equals(s.firmware())) {
      events.add(new FirmwareChanged(s.firmware(), firmware, now));
      if (s.firmware() != null) {
        TreeMap<String, String> details = new TreeMap<>();
        details.put("from", s.firmware());
        details.put("to", firmware);
        events.add(raised(s, EventType.FIRMWARE_UPDATED, null, now, details));
      }
    }
    if (firmware != null) firmwareFacts(s, firmware, now, events);
    return events;
  }

  /**
   * A running upgrade ends when the device reports the target version (SUCCEEDED), or comes back
   * from its reboot in a later session with another version (FAILED, interrupted). Newer firmware
   * in the catalogue is offered once per version.
   */
  private void firmwareFacts(State s, String firmware, Instant now, List<Event> events) {
    java.util.Optional<DeviceCommand> upgrade = s.activeFirmwareUpgrade();
    if (upgrade.isPresent()) {
      DeviceCommand cmd = upgrade.get();
      String target = cmd.params().get("version");
      if (sameFirmware(firmware, target)) {
        events.add(
            new CommandUpdated(
                cmd.id(), CommandStatus.SUCCEEDED, "done", null, s.epoch(), null, now));
      } else if (cmd.status() == CommandStatus.ACKNOWLEDGED
          && cmd.epoch() < s.epoch()
          && cmd.progress() != null
          && (cmd.progress().startsWith("rebooting") || cmd.progress().startsWith("verifying"))) {
        String reason = "interrupted: the device came back with " + firmware;
        events.add(
            new CommandUpdated(
                cmd.id(), CommandStatus.FAILED, cmd.progress(), reason, s.epoch(), null, now));
        events.add(raised(s, EventType.FIRMWARE_FAILED, null, now, details(cmd, "reason", reason)));
      }
    }
    // Telemetry repeats the same firmware string sample after sample: look it up in the catalogue
    // only when
    // the firmware or the offer changed (in memory; a recovered entity looks once more).
    if (firmware.equals(catalogCheckedFirmware)
        && java.util.Objects.equals(s.firmwareOffered(), catalogCheckedOffer)) {
      return;
    }
    catalogCheckedFirmware = firmware;
    catalogCheckedOffer = s.firmwareOffered();
    FirmwareCatalog.upgradeFor(familyOf(s.model()), firmware)
        .ifPresent(
            release -> {
              String version = release.version().render();
              if (!version.equals(s.firmwareOffered()) && !firmware.equals(version)) {
                events.add(new FirmwareOffered(version, now));
                TreeMap<String, String> details = new TreeMap<>();
                details.put("version", version);
                details.put("current", firmware);
                details.put("notes", release.releaseNotes());
                if (release.loadUnprotectedDuringUpgrade()) {
                  details.put("warning", "the load is not battery-protected during the upgrade");
                }
                events.add(raised(s, EventType.FIRMWARE_AVAILABLE, null, now, details));
              }
            });
  }

  /**
   * Whether two firmware strings name the same version ({@code UPS 09.8} and {@code UPS 9.8} do).
   */
  private static boolean sameFirmware(String a, String b) {
    if (a == null || b == null) return false;
    var va = FirmwareCatalog.parse(a);
    var vb = FirmwareCatalog.parse(b);
    return va.isPresent() && vb.isPresent() ? va.get().equals(vb.get()) : a.equals(b);
  }

  /**
   * What explains an alarm that is not a real fault: a self-test, a calibration or a firmware
   * upgrade.
   */
  private static String causeOf(State s, Set<StatusFlag> status) {
    if (status.contains(StatusFlag.TEST)) return "SELF_TEST";
    if (status.contains(StatusFlag.CAL)) return "CALIBRATION";
    if (s.activeFirmwareUpgrade()
        .filter(c -> c.status() == CommandStatus.ACKNOWLEDGED)
        .isPresent()) {
      return "FIRMWARE_UPGRADE";
    }
    return null;
  }

  private ReplyEffect<Event, State> onEvent(State s, RecordEvent c) {
    touch();
    if (!s.registered()) {
      return Effect()
          .reply(
              c.replyTo(),
              new Confirmation.Rejected(
                  Confirmation.Reason.NOT_REGISTERED, "device " + serial + " is not registered"));
    }
    if (!s.online() || c.epoch() != s.epoch()) {
      return Effect()
          .reply(
              c.replyTo(),
              new Confirmation.Rejected(
                  Confirmation.Reason.STALE_SESSION, "session " + c.epoch() + " is not current"));
    }
    DeviceEventReport r = c.report();
    lastSeen = r.receivedAt();
    String key = r.seq() + "|" + r.type() + "|" + r.deviceTime();
    if (s.recentReports().contains(key)) {
      return Effect()
          .reply(c.replyTo(), new Confirmation.Accepted()); // a re-send: already persisted
    }
    String cause = causeOf(s, s.status());
    EventRaised e =
        new EventRaised(
            r.type(),
            r.type().severity(),
            cause,
            r.deviceTime(),
            r.seq(),
            r.details(),
            Feature.EVENT_LOG.allowedOn(planAt(s, r.receivedAt()).plan()),
            r.receivedAt());
    return Effect().persist(e).thenReply(c.replyTo(), st -> new Confirmation.Accepted());
  }

  private ReplyEffect<Event, State> onWake(State s, Wake c) {
    touch();
    return onCheckDeadlines(s, new CheckDeadlines());
  }

  private ReplyEffect<Event, State> onCheckDeadlines(State s, CheckDeadlines c) {
    Instant now = clock.instant();
    List<Event> commandEvents = commandDeadlines(s, now);
    if (!commandEvents.isEmpty()) {
      return Effect()
          .persist(commandEvents)
          .thenRun(
              st -> {
                armCommandDeadline(st);
                ctx.getSelf().tell(new CheckDeadlines()); // the other deadlines may be due as well
              })
          .thenNoReply();
    }
    List<Event> planEvents = planEventsUntil(s, now);
    if (!planEvents.isEmpty()) {
      return Effect()
          .persist(planEvents)
          .thenRun(
              st -> {
                armPlanDeadline(st);
                ctx.getSelf()
                    .tell(new CheckDeadlines()); // the connection deadline may be due as well
              })
          .thenNoReply();
    }
    if (!s.online() && s.offlineDeadline() != null && !s.connectionLost()) {
      if (!now.isBefore(s.offlineDeadline())) {
        return Effect()
            .persist(
                List.of(new ConnectionLost(now), raised(s, EventType.CONNECTION_LOST, null, now)))
            .thenRun(this::armDeadline)
            .thenNoReply();
      }
      armDeadline(s);
    }
    return Effect().none().thenNoReply();
  }

  private ReplyEffect<Event, State> onIdleCheck(State s, IdleCheck c) {
    boolean busy = s.online() || s.offlineDeadline() != null || s.nextCommandDeadline() != null;
    if (!busy
        && Duration.between(lastActivity, clock.instant()).compareTo(settings.idlePassivation())
            >= 0) {
      shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
    }
    return Effect().none().thenNoReply();
  }

  /**
   * PLAN_CHANGED / PLAN_EXPIRED / PLAN_EXPIRING events due in (planCheckedUntil, now], and the
   * check mark.
   */
  private List<Event> planEventsUntil(State s, Instant now) {
    if (!s.registered() || s.planCheckedUntil() == null || !now.isAfter(s.planCheckedUntil()))
      return List.of();
    Instant from = s.planCheckedUntil();
    List<Event> events = new ArrayList<>();
    for (PlanSchedule.Change ch : PlanSchedule.changes(s.timeline(), from, now)) {
      TreeMap<String, String> details = new TreeMap<>();
      details.put("from", ch.from().name());
      details.put("to", ch.to().name());
      EventType type = ch.to() == Plan.BASIC ? EventType.PLAN_EXPIRED : EventType.PLAN_CHANGED;
      events.add(new EventRaised(type, type.severity(), null, null, -1, details, true, ch.at()));
    }
    for (PlanSchedule.Reminder r : PlanSchedule.reminders(s.timeline(), from, now)) {
      TreeMap<String, String> details = new TreeMap<>();
      details.put("days", Integer.toString(r.days()));
      details.put("endsAt", r.endsAt().toString());
      details.put("plan", r.plan().name());
      events.add(
          new EventRaised(
              EventType.PLAN_EXPIRING,
              EventType.PLAN_EXPIRING.severity(),
              null,
              null,
              -1,
              details,
              true,
              r.due()));
    }
    if (events.isEmpty()) return List.of();
    State checked = s.withTimeline(s.timeline(), s.warrantyEnds(), s.batteryWarrantyEnds(), now);
    events.add(new PlanChecked(now, planRecord(checked, now), now));
    return events;
  }

  private static final Object PLAN_TIMER = "plan";

  private void armPlanDeadline(State s) {
    if (!s.registered() || s.planCheckedUntil() == null) return;
    PlanSchedule.nextDeadline(s.timeline(), s.planCheckedUntil())
        .ifPresentOrElse(
            next -> {
              Duration wait = Duration.between(clock.instant(), next);
              // Long waits are re-checked daily: the scheduler's horizon is finite and clocks may
              // be adjusted.
              Duration capped =
                  wait.isNegative()
                      ? Duration.ZERO
                      : wait.compareTo(Duration.ofDays(1)) > 0 ? Duration.ofDays(1) : wait;
              timers.startSingleTimer(PLAN_TIMER, new CheckDeadlines(), capped);
            },
            () -> timers.cancel(PLAN_TIMER));
  }

  private PlanRecord planRecord(State s, Instant at) {
    PlanTimeline t = s.timeline();
    return new PlanRecord(
        t.planAt(at),
        t.termAt(at).map(PlanTerm::end).orElse(null),
        t.coveredUntil(at).orElse(null),
        s.planCheckedUntil() == null
            ? null
            : PlanSchedule.nextDeadline(t, s.planCheckedUntil()).orElse(null),
        s.warrantyEnds(),
        s.batteryWarrantyEnds());
  }

  private PlanSummary planSummary(State s, Instant at) {
    return new PlanSummary(
        serial,
        s.accountId(),
        planAt(s, at),
        s.timeline().coveredUntil(at).orElse(null),
        s.timeline().terms(),
        s.warrantyEnds(),
        s.batteryWarrantyEnds(),
        s.registeredAt());
  }

  private void touch() {
    lastActivity = clock.instant();
  }

  private void armDeadline(State s) {
    if (!s.online() && s.offlineDeadline() != null && !s.connectionLost()) {
      Duration wait = Duration.between(clock.instant(), s.offlineDeadline());
      timers.startSingleTimer(
          DEADLINE_TIMER, new CheckDeadlines(), wait.isNegative() ? Duration.ZERO : wait);
    } else {
      timers.cancel(DEADLINE_TIMER);
    }
  }

  private EventRaised raised(State s, EventType type, String cause, Instant at) {
    return raised(s, type, cause, at, new TreeMap<>());
  }

  private EventRaised raised(
      State s, EventType type, String cause, Instant at, SortedMap<String, String> details) {
    return new EventRaised(
        type,
        type.severity(),
        cause,
        null,
        -1,
        details,
        Feature.EVENT_LOG.allowedOn(planAt(s, at).plan()),
        at);
  }

  // -------------------------------------------------------------------------------------------
  // views

  /** The plan of a device at an instant, from its timeline (no running term: Basic). */
  static PlanStatus planAt(State s, Instant at) {
    return s.timeline()
        .termAt(at)
        .map(t -> new PlanStatus(t.plan(), t.source().name(), t.start(), t.end()))
        .orElse(new PlanStatus(Plan.BASIC, "NONE", null, null));
  }

  /** The state after registration: the trial term and the warranty dates (old events lack them). */
  private State applyRegistered(State s, Registered e) {
    Instant trialEnds =
        e.trialEnds() != null ? e.trialEnds() : plus(e.at(), settings.trialLength());
    PlanTimeline trial =
        trialEnds.isAfter(e.at())
            ? PlanTimeline.empty()
                .assign(
                    Plan.STANDARD,
                    Period.between(
                        LocalDate.ofInstant(e.at(), ZoneOffset.UTC),
                        LocalDate.ofInstant(trialEnds, ZoneOffset.UTC)),
                    TermSource.TRIAL,
                    "trial",
                    null,
                    e.at())
            : PlanTimeline.empty();
    Instant warranty =
        e.warrantyEnds() != null ? e.warrantyEnds() : plus(e.at(), settings.warranty());
    Instant battery =
        e.batteryWarrantyEnds() != null
            ? e.batteryWarrantyEnds()
            : plus(e.at(), batteryWarrantyFor(e.model()));
    return s.registered(e, trial, warranty, battery);
  }

  private DeviceSnapshot snapshot(State s) {
    Instant now = clock.instant();
    return new DeviceSnapshot(
        serial,
        s.registered(),
        s.model(),
        s.accountId(),
        s.registeredAt(),
        s.online(),
        s.connectedSince(),
        s.disconnectedAt(),
        s.remoteAddress(),
        lastSeen,
        s.connectionLost(),
        s.status(),
        s.temperatureHigh(),
        s.firmware(),
        latest,
        planAt(s, now),
        s.desiredSensitivity(),
        s.firmwareOffered() != null && !s.firmwareOffered().equals(s.firmware())
            ? s.firmwareOffered()
            : null);
  }

  // ---------------------------------------------------------------------------------- event
  // handler

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Registered.class, this::applyRegistered)
        .onEvent(CommandRequested.class, (s, e) -> s.requested(e.command()))
        .onEvent(CommandUpdated.class, (s, e) -> s.updated(e))
        .onEvent(FirmwareOffered.class, (s, e) -> s.offered(e.version()))
        .onEvent(
            EntitlementsApplied.class,
            (s, e) ->
                applyGrants(s, e.assignmentId(), e.grants(), e.at())
                    .withAssignment(e.assignmentId()))
        .onEvent(
            PlanChecked.class,
            (s, e) ->
                s.withTimeline(
                    s.timeline(),
                    s.warrantyEnds(),
                    s.batteryWarrantyEnds(),
                    later(s.planCheckedUntil(), e.checkedUntil())))
        .onEvent(Connected.class, (s, e) -> s.connected(e))
        .onEvent(Disconnected.class, (s, e) -> s.disconnected(e))
        .onEvent(ConnectionLost.class, (s, e) -> s.lost())
        .onEvent(StatusChanged.class, (s, e) -> s.withStatus(e.to()))
        .onEvent(TemperatureAlarmChanged.class, (s, e) -> s.withTemperatureHigh(e.high()))
        .onEvent(FirmwareChanged.class, (s, e) -> s.withFirmware(e.to()))
        .onEvent(
            EventRaised.class,
            (s, e) ->
                e.deviceSeq() >= 0
                    ? s.withReport(e.deviceSeq() + "|" + e.type() + "|" + e.deviceTime())
                    : s)
        .build();
  }
}
