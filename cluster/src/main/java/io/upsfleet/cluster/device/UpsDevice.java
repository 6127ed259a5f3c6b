package io.upsfleet.cluster.device;

import io.upsfleet.cluster.CborSerializable;
import io.upsfleet.cluster.licensing.Grant;
import io.upsfleet.cluster.plan.Feature;
import io.upsfleet.cluster.plan.PlanRecord;
import io.upsfleet.cluster.plan.PlanSchedule;
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
import org.apache.pekko.actor.typed.ActorRef;
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
 * <p>Lifecycle: an entity starts empty and becomes a device when {@link Register}ed. A device connects
 * ({@link Attach}, which opens a new session epoch and closes an older session's link), reports telemetry
 * and events, and disconnects ({@link Detach}, or its link stops). A device offline longer than the
 * offline grace gets {@code CONNECTION_LOST}; the deadline is persisted state and re-armed on recovery.
 * The entity is never passivated while its device is connected or a deadline is pending; otherwise it
 * passivates itself after {@link DeviceSettings#idlePassivation()}.
 *
 * <p>Persisted: registration, connections and disconnections, status-flag changes derived from telemetry,
 * firmware changes, and every event raised (device reports and derived alarms). Telemetry samples are
 * kept in memory only: they are a firehose, the facts derived from them are what is persisted.
 */
public final class UpsDevice
    extends EventSourcedBehaviorWithEnforcedReplies<UpsDevice.Command, UpsDevice.Event, UpsDevice.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "UpsDevice");

  /** Tag prefix of every event; the tag is {@code device-N} with N in {@code 0..tagSlices-1}. */
  public static final String TAG_PREFIX = "device-";

  // ---------------------------------------------------------------------------------------- commands

  /** A message the entity handles. */
  public sealed interface Command extends CborSerializable {}

  /** Makes the entity a registered device of an account. Replies {@link Confirmation}. */
  public record Register(String model, String accountId, ActorRef<Confirmation> replyTo) implements Command {}

  /**
   * Opens a session for an authenticated connection. Replies {@link Attachment} with the session epoch,
   * or {@link Confirmation.Rejected} when the device is not registered.
   */
  public record Attach(
      String remoteAddress, String node, ActorRef<DeviceLink.Message> link, ActorRef<AttachReply> replyTo)
      implements Command {}

  /** The session {@code epoch} ended; ignored when a newer session took over. */
  public record Detach(long epoch, String reason) implements Command {}

  /** A validated sample from session {@code epoch}; fire and forget. */
  public record RecordTelemetry(long epoch, Telemetry telemetry) implements Command {}

  /** A device-reported event; replied to only once it is persisted, so the edge can acknowledge it. */
  public record RecordEvent(long epoch, DeviceEventReport report, ActorRef<Confirmation> replyTo)
      implements Command {}

  /**
   * Applies an assignment's grants (plan terms, warranty extensions) exactly once: a repeated
   * {@code assignmentId} changes nothing. Replies {@link PlanSummary}, or {@link Confirmation.Rejected}
   * (NOT_REGISTERED).
   */
  public record ApplyEntitlements(String assignmentId, List<Grant> grants, String by, ActorRef<PlanReply> replyTo)
      implements Command {}

  /** What {@link ApplyEntitlements} would give, without applying it. Replies like it. */
  public record PreviewEntitlements(List<Grant> grants, ActorRef<PlanReply> replyTo) implements Command {}

  /** Asks for the plan timeline and warranty. Replies {@link PlanSummary} or NOT_REGISTERED. */
  public record GetPlan(ActorRef<PlanReply> replyTo) implements Command {}

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

  // ----------------------------------------------------------------------------------------- replies

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
  public record PlanSummary(String serial, String accountId, PlanStatus current, Instant coveredUntil,
      List<PlanTerm> terms, Instant warrantyEnds, Instant batteryWarrantyEnds, Instant registeredAt)
      implements PlanReply {}

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

  // ------------------------------------------------------------------------------------------ events

  /** A persisted fact about the device. Never rename or remove a component; add with defaults. */
  public sealed interface Event extends CborSerializable {
    Instant at();
  }

  /**
   * The device was registered to an account. {@code trialEnds}, {@code warrantyEnds} and
   * {@code batteryWarrantyEnds} were added later: null in old events, then derived from the settings.
   */
  public record Registered(String serial, String model, String accountId, Instant at, Instant trialEnds,
      Instant warrantyEnds, Instant batteryWarrantyEnds) implements Event {}

  /** An assignment's grants were applied; {@code plan} is the result at {@code at}. */
  public record EntitlementsApplied(String assignmentId, List<Grant> grants, String by, PlanRecord plan, Instant at)
      implements Event {}

  /** The plan was examined up to {@code checkedUntil} (changes and reminders before it are done). */
  public record PlanChecked(Instant checkedUntil, PlanRecord plan, Instant at) implements Event {}

  /** Session {@code epoch} started from {@code remoteAddress}, served by the edge on {@code node}. */
  public record Connected(long epoch, String remoteAddress, String node, ActorRef<DeviceLink.Message> link, Instant at)
      implements Event {}

  /** Session {@code epoch} ended; {@code offlineDeadline} is when it counts as lost. */
  public record Disconnected(long epoch, String reason, Instant offlineDeadline, Instant at) implements Event {}

  /** The device stayed offline past its grace period. */
  public record ConnectionLost(Instant at) implements Event {}

  /** The {@code ups.status} flags changed. */
  public record StatusChanged(Set<StatusFlag> from, Set<StatusFlag> to, Instant at) implements Event {}

  /** The temperature alarm was raised or cleared. */
  public record TemperatureAlarmChanged(boolean high, double temperature, Instant at) implements Event {}

  /** The reported firmware changed ({@code from} is null for the first report). */
  public record FirmwareChanged(String from, String to, Instant at) implements Event {}

  /**
   * An entry of the device's event log.
   *
   * @param type what happened
   * @param severity how urgent
   * @param cause what explains it when it is not a real fault ({@code SELF_TEST}, {@code CALIBRATION}), or null
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

  // ------------------------------------------------------------------------------------------- state

  /**
   * The persisted state. Immutable; transitions return a new state.
   *
   * @param serial the serial number (the entity id)
   * @param model the model, null until registered
   * @param accountId the owning account, null until registered
   * @param registeredAt null until registered
   * @param epoch the latest session epoch (0 = never connected)
   * @param online whether session {@code epoch} is open
   * @param link the link of the open session, or null
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
   */
  public record State(
      String serial,
      String model,
      String accountId,
      Instant registeredAt,
      long epoch,
      boolean online,
      ActorRef<DeviceLink.Message> link,
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
      Instant planCheckedUntil)
      implements CborSerializable {

    static final int RECENT_REPORTS = 64;

    static State empty(String serial) {
      return new State(serial, null, null, null, 0, false, null, null, null, null, null, null, false,
          Set.of(), false, null, List.of(), PlanTimeline.empty(), null, null, null);
    }

    boolean registered() {
      return registeredAt != null;
    }

    State registered(Registered e, PlanTimeline trial, Instant warranty, Instant battery) {
      return new State(serial, e.model(), e.accountId(), e.at(), epoch, online, link, remoteAddress, node,
          connectedSince, disconnectedAt, offlineDeadline, connectionLost, status, temperatureHigh, firmware,
          recentReports, trial, warranty, battery, e.at());
    }

    State withTimeline(PlanTimeline t, Instant warranty, Instant battery, Instant checkedUntil) {
      return new State(serial, model, accountId, registeredAt, epoch, online, link, remoteAddress, node,
          connectedSince, disconnectedAt, offlineDeadline, connectionLost, status, temperatureHigh, firmware,
          recentReports, t, warranty, battery, checkedUntil);
    }

    State connected(Connected e) {
      return new State(serial, model, accountId, registeredAt, e.epoch(), true, e.link(), e.remoteAddress(),
          e.node(), e.at(), null, null, false, status, temperatureHigh, firmware, recentReports, timeline, warrantyEnds, batteryWarrantyEnds, planCheckedUntil);
    }

    State disconnected(Disconnected e) {
      return new State(serial, model, accountId, registeredAt, epoch, false, null, remoteAddress, node,
          connectedSince, e.at(), e.offlineDeadline(), connectionLost, status, temperatureHigh, firmware,
          recentReports, timeline, warrantyEnds, batteryWarrantyEnds, planCheckedUntil);
    }

    State lost() {
      return new State(serial, model, accountId, registeredAt, epoch, online, link, remoteAddress, node,
          connectedSince, disconnectedAt, null, true, status, temperatureHigh, firmware, recentReports, timeline, warrantyEnds, batteryWarrantyEnds, planCheckedUntil);
    }

    State withStatus(Set<StatusFlag> to) {
      return new State(serial, model, accountId, registeredAt, epoch, online, link, remoteAddress, node,
          connectedSince, disconnectedAt, offlineDeadline, connectionLost, Set.copyOf(to), temperatureHigh,
          firmware, recentReports, timeline, warrantyEnds, batteryWarrantyEnds, planCheckedUntil);
    }

    State withTemperatureHigh(boolean high) {
      return new State(serial, model, accountId, registeredAt, epoch, online, link, remoteAddress, node,
          connectedSince, disconnectedAt, offlineDeadline, connectionLost, status, high, firmware, recentReports, timeline, warrantyEnds, batteryWarrantyEnds, planCheckedUntil);
    }

    State withFirmware(String to) {
      return new State(serial, model, accountId, registeredAt, epoch, online, link, remoteAddress, node,
          connectedSince, disconnectedAt, offlineDeadline, connectionLost, status, temperatureHigh, to,
          recentReports, timeline, warrantyEnds, batteryWarrantyEnds, planCheckedUntil);
    }

    State withReport(String key) {
      ArrayDeque<String> keys = new ArrayDeque<>(recentReports);
      keys.addLast(key);
      while (keys.size() > RECENT_REPORTS) keys.removeFirst();
      return new State(serial, model, accountId, registeredAt, epoch, online, link, remoteAddress, node,
          connectedSince, disconnectedAt, offlineDeadline, connectionLost, status, temperatureHigh, firmware,
          List.copyOf(keys), timeline, warrantyEnds, batteryWarrantyEnds, planCheckedUntil);
    }
  }

  // ----------------------------------------------------------------------------------------- factory

  /** The behavior of the entity of {@code serial}; {@code shard} receives its passivation requests. */
  public static Behavior<Command> create(
      String serial, ActorRef<ClusterSharding.ShardCommand> shard, DeviceSettings settings, Clock clock) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(timers -> new UpsDevice(serial, shard, settings, clock, ctx, timers)));
  }

  /** The journal tag of a serial's events. */
  public static String tagFor(String serial, int slices) {
    return TAG_PREFIX + Math.floorMod(serial.hashCode(), slices);
  }

  private static final Object DEADLINE_TIMER = "deadline";
  private static final Object IDLE_TIMER = "idle";

  private final String serial;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final DeviceSettings settings;
  private final Clock clock;
  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final String tag;

  /** In memory only: the latest sample and when anything was last heard from the device. */
  private Telemetry latest;
  private Instant lastSeen;
  private Instant lastActivity;

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
    this.lastActivity = clock.instant();
  }

  // --------------------------------------------------------------------------------------- overrides

  @Override
  public State emptyState() {
    return State.empty(serial);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
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

  private void onRecovered(State state) {
    if (state.online() && state.link() != null) {
      // After a restart or rebalance the link may live on a node that is gone: watching it tells.
      ctx.watchWith(state.link(), new LinkTerminated(state.epoch()));
    }
    armDeadline(state);
    armPlanDeadline(state);
    timers.startTimerWithFixedDelay(IDLE_TIMER, new IdleCheck(), idleCheckInterval());
  }

  private Duration idleCheckInterval() {
    Duration half = settings.idlePassivation().dividedBy(2);
    return half.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : half;
  }

  // -------------------------------------------------------------------------------- command handlers

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
        .onCommand(ApplyEntitlements.class, this::onApplyEntitlements)
        .onCommand(PreviewEntitlements.class, this::onPreviewEntitlements)
        .onCommand(GetPlan.class, (s, c) -> Effect().reply(c.replyTo(),
            s.registered() ? planSummary(s, clock.instant()) : notRegistered()))
        .onCommand(Wake.class, this::onWake)
        .onCommand(CheckDeadlines.class, this::onCheckDeadlines)
        .onCommand(IdleCheck.class, this::onIdleCheck);
    return b.build();
  }

  private ReplyEffect<Event, State> onRegister(State s, Register c) {
    touch();
    if (s.registered()) {
      return Effect().reply(c.replyTo(),
          new Confirmation.Rejected(Confirmation.Reason.ALREADY_REGISTERED, "device " + serial + " is already registered"));
    }
    Instant now = clock.instant();
    Instant trialEnds = plus(now, settings.trialLength());
    Instant warranty = plus(now, settings.warranty());
    // A lead-acid device registered for the trial gets a year more battery warranty; lithium does not.
    Period battery = DeviceModels.chemistryOf(c.model()) == DeviceModels.Chemistry.LEAD_ACID
        ? settings.batteryWarranty().plus(settings.trialBatteryBonus()) : settings.batteryWarranty();
    Registered e = new Registered(serial, c.model(), c.accountId(), now, trialEnds, warranty, plus(now, battery));
    State after = applyRegistered(State.empty(serial), e);
    return Effect().persist(List.of(e, new PlanChecked(now, planRecord(after, now), now)))
        .thenRun(this::armPlanDeadline)
        .thenReply(c.replyTo(), st -> new Confirmation.Accepted());
  }

  private static Instant plus(Instant at, Period p) {
    return at.atOffset(ZoneOffset.UTC).plus(p).toInstant();
  }

  private static Confirmation.Rejected notRegistered(String serial) {
    return new Confirmation.Rejected(Confirmation.Reason.NOT_REGISTERED, "device " + serial + " is not registered");
  }

  private Confirmation.Rejected notRegistered() {
    return notRegistered(serial);
  }

  private ReplyEffect<Event, State> onApplyEntitlements(State s, ApplyEntitlements c) {
    touch();
    if (!s.registered()) return Effect().reply(c.replyTo(), notRegistered());
    Instant now = clock.instant();
    if (s.timeline().contains(c.assignmentId()) || s.recentReports().contains("assignment|" + c.assignmentId())) {
      return Effect().reply(c.replyTo(), planSummary(s, now)); // applied before: exactly once
    }
    State after = applyGrants(s, c.assignmentId(), c.grants(), now);
    List<Event> events = new ArrayList<>();
    events.add(new EntitlementsApplied(c.assignmentId(), c.grants(), c.by(), planRecord(after, now), now));
    Plan before = s.timeline().planAt(now);
    Plan nowPlan = after.timeline().planAt(now);
    if (before != nowPlan) {
      TreeMap<String, String> details = new TreeMap<>();
      details.put("from", before.name());
      details.put("to", nowPlan.name());
      details.put("assignment", c.assignmentId());
      events.add(new EventRaised(EventType.PLAN_CHANGED, EventType.PLAN_CHANGED.severity(), null, null, -1, details,
          true, now));
    }
    return Effect().persist(events)
        .thenRun(this::armPlanDeadline)
        .thenReply(c.replyTo(), st -> planSummary(st, now));
  }

  private ReplyEffect<Event, State> onPreviewEntitlements(State s, PreviewEntitlements c) {
    if (!s.registered()) return Effect().reply(c.replyTo(), notRegistered());
    Instant now = clock.instant();
    return Effect().reply(c.replyTo(), planSummary(applyGrants(s, "preview", c.grants(), now), now));
  }

  /**
   * The state after an assignment's grants: license terms placed on the timeline (a promotion's bonus
   * after its SKU's term), warranty extensions added to the warranty end (from now if it already ended).
   * Extended warranties extend monitoring too for devices registered before the cut-off (2023-08-01).
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
      return Effect().reply(c.replyTo(),
          new Confirmation.Rejected(Confirmation.Reason.NOT_REGISTERED, "device " + serial + " is not registered"));
    }
    Instant now = clock.instant();
    long epoch = s.epoch() + 1;
    List<Event> events = new ArrayList<>(3);
    if (s.online()) {
      events.add(new Disconnected(s.epoch(), DeviceLink.TAKEN_OVER, now.plus(settings.offlineGrace()), now));
    }
    events.add(new Connected(epoch, c.remoteAddress(), c.node(), c.link(), now));
    if (s.connectionLost()) {
      events.add(raised(s, EventType.CONNECTION_RESTORED, null, now));
    }
    ActorRef<DeviceLink.Message> previous = s.online() ? s.link() : null;
    return Effect()
        .persist(events)
        .thenRun(st -> {
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
    ActorRef<DeviceLink.Message> link = s.link();
    return Effect()
        .persist(new Disconnected(epoch, reason, now.plus(settings.offlineGrace()), now))
        .thenRun(st -> {
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
    List<Event> events = deriveFacts(s, t);
    return events.isEmpty() ? Effect().none().thenNoReply() : Effect().persist(events).thenNoReply();
  }

  /** The facts a sample reveals: status transitions, the temperature alarm, a firmware change. */
  private List<Event> deriveFacts(State s, Telemetry t) {
    List<Event> events = new ArrayList<>(4);
    Instant now = t.receivedAt();
    String cause = t.status().contains(StatusFlag.TEST) ? "SELF_TEST"
        : t.status().contains(StatusFlag.CAL) ? "CALIBRATION" : null;
    if (!t.status().equals(s.status())) {
      events.add(new StatusChanged(s.status(), t.status(), now));
      Set<StatusFlag> raised = EnumSet.noneOf(StatusFlag.class);
      raised.addAll(t.status());
      raised.removeAll(s.status());
      Set<StatusFlag> cleared = EnumSet.noneOf(StatusFlag.class);
      cleared.addAll(s.status());
      cleared.removeAll(t.status());
      if (raised.contains(StatusFlag.OB)) events.add(raised(s, EventType.ON_BATTERY, cause, now));
      if (cleared.contains(StatusFlag.OB)) events.add(raised(s, EventType.POWER_RESTORED, null, now));
      if (raised.contains(StatusFlag.LB)) events.add(raised(s, EventType.LOW_BATTERY, cause, now));
      if (raised.contains(StatusFlag.RB)) events.add(raised(s, EventType.BATTERY_REPLACE, null, now));
      if (raised.contains(StatusFlag.OVER)) events.add(raised(s, EventType.OVERLOAD, cause, now));
      if (cleared.contains(StatusFlag.OVER)) events.add(raised(s, EventType.OVERLOAD_CLEARED, null, now));
    }
    Double temperature = t.number(TelemetryVariable.BATTERY_TEMPERATURE);
    if (temperature == null) temperature = t.number(TelemetryVariable.UPS_TEMPERATURE);
    if (temperature != null) {
      if (!s.temperatureHigh() && temperature > settings.temperatureHigh()) {
        events.add(new TemperatureAlarmChanged(true, temperature, now));
        events.add(raised(s, EventType.TEMPERATURE_HIGH, cause,
            now, new TreeMap<>(Collections.singletonMap("temperature", Double.toString(temperature)))));
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
    return events;
  }

  private ReplyEffect<Event, State> onEvent(State s, RecordEvent c) {
    touch();
    if (!s.registered()) {
      return Effect().reply(c.replyTo(),
          new Confirmation.Rejected(Confirmation.Reason.NOT_REGISTERED, "device " + serial + " is not registered"));
    }
    if (!s.online() || c.epoch() != s.epoch()) {
      return Effect().reply(c.replyTo(),
          new Confirmation.Rejected(Confirmation.Reason.STALE_SESSION, "session " + c.epoch() + " is not current"));
    }
    DeviceEventReport r = c.report();
    lastSeen = r.receivedAt();
    String key = r.seq() + "|" + r.type() + "|" + r.deviceTime();
    if (s.recentReports().contains(key)) {
      return Effect().reply(c.replyTo(), new Confirmation.Accepted()); // a re-send: already persisted
    }
    String cause = s.status().contains(StatusFlag.TEST) ? "SELF_TEST"
        : s.status().contains(StatusFlag.CAL) ? "CALIBRATION" : null;
    EventRaised e = new EventRaised(r.type(), r.type().severity(), cause, r.deviceTime(), r.seq(), r.details(),
        Feature.EVENT_LOG.allowedOn(planAt(s, r.receivedAt()).plan()), r.receivedAt());
    return Effect().persist(e).thenReply(c.replyTo(), st -> new Confirmation.Accepted());
  }

  private ReplyEffect<Event, State> onWake(State s, Wake c) {
    touch();
    return onCheckDeadlines(s, new CheckDeadlines());
  }

  private ReplyEffect<Event, State> onCheckDeadlines(State s, CheckDeadlines c) {
    Instant now = clock.instant();
    List<Event> planEvents = planEventsUntil(s, now);
    if (!planEvents.isEmpty()) {
      return Effect().persist(planEvents)
          .thenRun(st -> {
            armPlanDeadline(st);
            ctx.getSelf().tell(new CheckDeadlines()); // the connection deadline may be due as well
          })
          .thenNoReply();
    }
    if (!s.online() && s.offlineDeadline() != null && !s.connectionLost()) {
      if (!now.isBefore(s.offlineDeadline())) {
        return Effect()
            .persist(List.of(new ConnectionLost(now), raised(s, EventType.CONNECTION_LOST, null, now)))
            .thenRun(this::armDeadline)
            .thenNoReply();
      }
      armDeadline(s);
    }
    return Effect().none().thenNoReply();
  }

  private ReplyEffect<Event, State> onIdleCheck(State s, IdleCheck c) {
    boolean busy = s.online() || s.offlineDeadline() != null;
    if (!busy && Duration.between(lastActivity, clock.instant()).compareTo(settings.idlePassivation()) >= 0) {
      shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
    }
    return Effect().none().thenNoReply();
  }

  /** PLAN_CHANGED / PLAN_EXPIRED / PLAN_EXPIRING events due in (planCheckedUntil, now], and the check mark. */
  private List<Event> planEventsUntil(State s, Instant now) {
    if (!s.registered() || s.planCheckedUntil() == null || !now.isAfter(s.planCheckedUntil())) return List.of();
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
      events.add(new EventRaised(EventType.PLAN_EXPIRING, EventType.PLAN_EXPIRING.severity(), null, null, -1,
          details, true, r.due()));
    }
    if (events.isEmpty()) return List.of();
    State checked = s.withTimeline(s.timeline(), s.warrantyEnds(), s.batteryWarrantyEnds(), now);
    events.add(new PlanChecked(now, planRecord(checked, now), now));
    return events;
  }

  private static final Object PLAN_TIMER = "plan";

  private void armPlanDeadline(State s) {
    if (!s.registered() || s.planCheckedUntil() == null) return;
    PlanSchedule.nextDeadline(s.timeline(), s.planCheckedUntil()).ifPresentOrElse(next -> {
      Duration wait = Duration.between(clock.instant(), next);
      // Long waits are re-checked daily: the scheduler's horizon is finite and clocks may be adjusted.
      Duration capped = wait.isNegative() ? Duration.ZERO : wait.compareTo(Duration.ofDays(1)) > 0 ? Duration.ofDays(1) : wait;
      timers.startSingleTimer(PLAN_TIMER, new CheckDeadlines(), capped);
    }, () -> timers.cancel(PLAN_TIMER));
  }

  private PlanRecord planRecord(State s, Instant at) {
    PlanTimeline t = s.timeline();
    return new PlanRecord(t.planAt(at), t.termAt(at).map(PlanTerm::end).orElse(null), t.coveredUntil(at).orElse(null),
        s.planCheckedUntil() == null ? null : PlanSchedule.nextDeadline(t, s.planCheckedUntil()).orElse(null),
        s.warrantyEnds(), s.batteryWarrantyEnds());
  }

  private PlanSummary planSummary(State s, Instant at) {
    return new PlanSummary(serial, s.accountId(), planAt(s, at), s.timeline().coveredUntil(at).orElse(null),
        s.timeline().terms(), s.warrantyEnds(), s.batteryWarrantyEnds(), s.registeredAt());
  }

  private void touch() {
    lastActivity = clock.instant();
  }

  private void armDeadline(State s) {
    if (!s.online() && s.offlineDeadline() != null && !s.connectionLost()) {
      Duration wait = Duration.between(clock.instant(), s.offlineDeadline());
      timers.startSingleTimer(DEADLINE_TIMER, new CheckDeadlines(), wait.isNegative() ? Duration.ZERO : wait);
    } else {
      timers.cancel(DEADLINE_TIMER);
    }
  }

  private EventRaised raised(State s, EventType type, String cause, Instant at) {
    return raised(s, type, cause, at, new TreeMap<>());
  }

  private EventRaised raised(State s, EventType type, String cause, Instant at, SortedMap<String, String> details) {
    return new EventRaised(type, type.severity(), cause, null, -1, details,
        Feature.EVENT_LOG.allowedOn(planAt(s, at).plan()), at);
  }

  // ------------------------------------------------------------------------------------------- views

  /** The plan of a device at an instant, from its timeline (no running term: Basic). */
  static PlanStatus planAt(State s, Instant at) {
    return s.timeline().termAt(at)
        .map(t -> new PlanStatus(t.plan(), t.source().name(), t.start(), t.end()))
        .orElse(new PlanStatus(Plan.BASIC, "NONE", null, null));
  }

  /** The state after registration: the trial term and the warranty dates (old events lack them). */
  private State applyRegistered(State s, Registered e) {
    Instant trialEnds = e.trialEnds() != null ? e.trialEnds() : plus(e.at(), settings.trialLength());
    PlanTimeline trial = trialEnds.isAfter(e.at())
        ? PlanTimeline.empty().assign(Plan.STANDARD, Period.between(
            LocalDate.ofInstant(e.at(), ZoneOffset.UTC), LocalDate.ofInstant(trialEnds, ZoneOffset.UTC)),
            TermSource.TRIAL, "trial", null, e.at())
        : PlanTimeline.empty();
    Instant warranty = e.warrantyEnds() != null ? e.warrantyEnds() : plus(e.at(), settings.warranty());
    Instant battery = e.batteryWarrantyEnds() != null ? e.batteryWarrantyEnds() : plus(e.at(), settings.batteryWarranty());
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
        planAt(s, now));
  }

  // ---------------------------------------------------------------------------------- event handler

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(Registered.class, this::applyRegistered)
        .onEvent(EntitlementsApplied.class, (s, e) ->
            applyGrants(s, e.assignmentId(), e.grants(), e.at()).withReport("assignment|" + e.assignmentId()))
        .onEvent(PlanChecked.class, (s, e) -> s.withTimeline(s.timeline(), s.warrantyEnds(), s.batteryWarrantyEnds(),
            later(s.planCheckedUntil(), e.checkedUntil())))
        .onEvent(Connected.class, (s, e) -> s.connected(e))
        .onEvent(Disconnected.class, (s, e) -> s.disconnected(e))
        .onEvent(ConnectionLost.class, (s, e) -> s.lost())
        .onEvent(StatusChanged.class, (s, e) -> s.withStatus(e.to()))
        .onEvent(TemperatureAlarmChanged.class, (s, e) -> s.withTemperatureHigh(e.high()))
        .onEvent(FirmwareChanged.class, (s, e) -> s.withFirmware(e.to()))
        .onEvent(EventRaised.class, (s, e) -> e.deviceSeq() >= 0
            ? s.withReport(e.deviceSeq() + "|" + e.type() + "|" + e.deviceTime())
            : s)
        .build();
  }
}
