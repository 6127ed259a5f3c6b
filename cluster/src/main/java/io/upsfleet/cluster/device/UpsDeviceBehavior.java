package io.upsfleet.cluster.device;

import io.upsfleet.cluster.device.UpsDevice.*;
import io.upsfleet.cluster.operation.CommandMessage;
import io.upsfleet.cluster.operation.CommandStatus;
import io.upsfleet.cluster.operation.DeviceCommand;
import io.upsfleet.cluster.operation.Operation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The behaviour of {@link UpsDevice}: two tables (command → handler, event → state change) and thin
 * handlers that ask the decisions for events, persist them, then act (tell the device's link, arm
 * timers, reply). In memory only: the latest sample ({@link TelemetryFacts}) and which operations
 * were handed to the current link but are not yet written (the delivery window).
 */
final class UpsDeviceBehavior
    extends EventSourcedBehaviorWithEnforcedReplies<Command, Event, State> {
  private static final Logger log = LoggerFactory.getLogger(UpsDevice.class);
  static final int SNAPSHOT_EVERY = 20;

  private final String serial;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final DeviceSettings settings;
  private final DeviceRules rules;
  private final Clock clock;
  private final ActorContext<Command> ctx;
  private final DeadlineTimers timers;
  private final String tag;
  private final ActorRefResolver resolver;
  private final DeviceMetrics metrics;
  private final UnreadableJournals unreadable;
  private final TelemetryFacts facts;

  private Instant lastActivity;
  private final Set<String> handedOver = new HashSet<>();

  static Behavior<Command> create(
      String serial,
      ActorRef<ClusterSharding.ShardCommand> shard,
      DeviceRules rules,
      Clock clock,
      DeviceMetrics metrics) {
    Behavior<Command> refusing = rules.unreadable().refusing(serial);
    if (refusing != null) return refusing;
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers ->
                    new UpsDeviceBehavior(serial, shard, rules, clock, metrics, ctx, timers)));
  }

  private UpsDeviceBehavior(
      String serial,
      ActorRef<ClusterSharding.ShardCommand> shard,
      DeviceRules rules,
      Clock clock,
      DeviceMetrics metrics,
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers) {
    super(
        PersistenceId.of(UpsDevice.ENTITY_TYPE_KEY.name(), serial),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.serial = serial;
    this.shard = shard;
    this.settings = rules.settings();
    this.rules = rules;
    this.clock = clock;
    this.metrics = metrics;
    this.unreadable = rules.unreadable();
    this.ctx = ctx;
    this.timers = new DeadlineTimers(timers, clock);
    this.tag = UpsDevice.tagFor(serial, settings.tagSlices());
    this.facts = new TelemetryFacts(settings.temperatureHigh(), settings.temperatureClear());
    this.resolver = ActorRefResolver.get(ctx.getSystem());
    this.lastActivity = clock.instant();
  }

  @Override
  public State emptyState() {
    return new EmptyDevice(serial);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Recovery replays at most this many events after the latest snapshot (BENCHMARKS.md).
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
        .onSignal(RecoveryFailed.class, this::onRecoveryFailed)
        .build();
  }

  // ------------------------------------------------------------------------------ command table
  //
  // Both tables are one method each, not Pekko's handler builders: the builders allocate a case,
  // two
  // lambdas and list cells per command type for every entity they start (~3.5 KB per device, a
  // quarter of the heap of a quiet fleet; BENCHMARKS.md, round two), while a method reference is
  // one
  // small object.

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    return this::onCommand;
  }

  private ReplyEffect<Event, State> onCommand(State state, Command c) {
    if (state instanceof RegisteredDevice s) return onCommand(s, c);
    if (c instanceof Register r) return register((EmptyDevice) state, r);
    return answer(Refusals.notRegistered(serial, c));
  }

  private ReplyEffect<Event, State> onCommand(RegisteredDevice s, Command command) {
    if (command instanceof RecordTelemetry c) return telemetry(s, c);
    if (command instanceof RecordEvent c) return deviceEvent(s, c);
    if (command instanceof Attach c) return attach(s, c);
    if (command instanceof Detach c) return detach(s, c.epoch(), c.reason());
    if (command instanceof LinkTerminated c) return detach(s, c.epoch(), "LINK_STOPPED");
    if (command instanceof GetSnapshot c)
      return reply(c.replyTo(), Views.snapshot(s, facts.latest(), facts.lastSeen(), now()));
    if (command instanceof RequestOperation c) return requestOperation(s, c);
    if (command instanceof CancelOperation c) return cancelOperation(s, c);
    if (command instanceof GetOperations c) return reply(c.replyTo(), Views.page(s, c));
    if (command instanceof GetAllowedOperations c) return reply(c.replyTo(), allowances(s));
    if (command instanceof OperationPublished c)
      return linkReport(s, c, rules.lifecycle()::published);
    if (command instanceof OperationDelivered c)
      return linkReport(s, c, rules.lifecycle()::delivered);
    if (command instanceof RecordOperationResult c) return operationResult(s, c);
    if (command instanceof ApplyEntitlements c) return applyEntitlements(s, c);
    if (command instanceof PreviewEntitlements c)
      return reply(c.replyTo(), Views.preview(s, rules.planClock(), c.grants(), now()));
    if (command instanceof GetPlan c) return reply(c.replyTo(), Views.plan(s, now()));
    if (command instanceof LifecycleChange c) return changeOwner(s, c);
    if (command instanceof Wake || command instanceof CheckDeadlines) return checkDeadlines(s);
    if (command instanceof IdleCheck c) return idleCheck(s, c);
    if (command instanceof Register c)
      return reply(c.replyTo(), Refusals.alreadyRegistered(serial));
    throw new IllegalArgumentException(
        "no handler for " + command.getClass().getSimpleName() + " of a registered device");
  }

  // -------------------------------------------------------------------------------- event table

  @Override
  public EventHandler<State, Event> eventHandler() {
    return this::onEvent;
  }

  private State onEvent(State state, Event event) {
    if (state instanceof RegisteredDevice s) return onEvent(s, event);
    if (event instanceof Registered e) return ((EmptyDevice) state).registered(e);
    throw new IllegalStateException(
        "event " + event.getClass().getSimpleName() + " of " + serial + " before its registration");
  }

  private State onEvent(RegisteredDevice s, Event event) {
    if (event instanceof StatusChanged e) return s.on(e);
    if (event instanceof EventRaised e) return s.on(e);
    if (event instanceof Connected e) return s.on(e);
    if (event instanceof Disconnected e) return s.on(e);
    if (event instanceof ConnectionLost e) return s.on(e);
    if (event instanceof TemperatureAlarmChanged e) return s.on(e);
    if (event instanceof FirmwareChanged e) return s.on(e);
    if (event instanceof EntitlementsApplied e) return s.on(e);
    if (event instanceof PlanChecked e) return s.on(e);
    if (event instanceof CommandRequested e) return s.on(e);
    if (event instanceof CommandUpdated e) return s.on(e);
    if (event instanceof FirmwareOffered e) return s.on(e);
    if (event instanceof Transferred e) return s.on(e);
    if (event instanceof Deregistered) return new EmptyDevice(serial);
    throw new IllegalStateException(
        "event " + event.getClass().getSimpleName() + " of registered device " + serial);
  }

  /** The state after {@code e}: the event table applied outside the journal (for decisions). */
  private RegisteredDevice apply(RegisteredDevice s, Event e) {
    return (RegisteredDevice) onEvent(s, e);
  }

  // ------------------------------------------------------------------------------- registration

  private ReplyEffect<Event, State> register(EmptyDevice s, Register c) {
    touch();
    return Effect()
        .persist(rules.sessions().registered(s, c.model(), c.accountId(), now()))
        .thenRun(timers::arm)
        .thenReply(c.replyTo(), st -> new Confirmation.Accepted());
  }

  private ReplyEffect<Event, State> changeOwner(RegisteredDevice s, LifecycleChange c) {
    Event e = DeviceLifecycle.decide(s, c, now());
    ActorRef<DeviceLink.Message> link = DeviceLifecycle.endsSession(e) ? linkOf(s) : null;
    return Effect()
        .persist(e)
        .thenRun(st -> closeLink(link, DeviceLink.DEREGISTERED))
        .thenReply(c.replyTo(), st -> new Confirmation.Accepted());
  }

  // ----------------------------------------------------------------------------------- sessions

  private ReplyEffect<Event, State> attach(RegisteredDevice s, Attach c) {
    touch();
    Instant now = now();
    if (c.notAfter() != null && now.isAfter(c.notAfter())) {
      return reply(c.replyTo(), Refusals.staleAttach(c.notAfter()));
    }
    String link = resolver.toSerializationFormat(c.link());
    List<Event> events =
        new ArrayList<>(rules.sessions().attached(s, c.remoteAddress(), c.node(), link, now));
    RegisteredDevice after = s;
    for (Event e : events) after = apply(after, e);
    events.addAll(
        rules.lifecycle().deadlines(after, now)); // what expired while it was away never goes out
    if (SessionRules.revealsClone(events)) {
      metrics.clonedDevices().increment();
      log.warn("device {} looks cloned: its sessions keep taking each other over", serial);
    }
    ActorRef<DeviceLink.Message> previous = s.session().online() ? linkOf(s) : null;
    long epoch = after.session().epoch();
    return Effect()
        .persist(stamp(s, events))
        .thenRun(
            st -> {
              handedOver.clear();
              closeLink(previous, DeviceLink.TAKEN_OVER);
              ctx.watchWith(c.link(), new LinkTerminated(epoch));
              facts.heard(now);
              afterOperations(st);
            })
        .thenReply(c.replyTo(), st -> new Attachment(epoch));
  }

  private ReplyEffect<Event, State> detach(RegisteredDevice s, long epoch, String reason) {
    if (!s.session().online() || epoch != s.session().epoch()) {
      return noReply(); // a late disconnect of an older session
    }
    ActorRef<DeviceLink.Message> link = linkOf(s);
    return Effect()
        .persist(rules.sessions().ended(epoch, reason, now()))
        .thenRun(
            st -> {
              if (link != null) ctx.unwatch(link);
              handedOver.clear();
              timers.arm(st);
            })
        .thenNoReply();
  }

  // --------------------------------------------------------------------------- samples, reports

  private ReplyEffect<Event, State> telemetry(RegisteredDevice s, RecordTelemetry c) {
    touch();
    if (!s.session().online() || c.epoch() != s.session().epoch()) {
      return replyIfAsked(Effect().none(), c.replyTo(), Refusals.staleSession(c.epoch()));
    }
    TelemetryFacts.Sample sample = facts.sample(s, c, rules.lifecycle());
    if (sample == null) metrics.staleSamples().increment(); // older than the newest: ignored
    if (sample != null && sample.events().isEmpty()) facts.keep(sample, s);
    EffectBuilder<Event, State> effect =
        sample == null || sample.events().isEmpty()
            ? Effect().none()
            : Effect()
                .persist(stamp(s, sample.events()))
                .thenRun(
                    st -> {
                      facts.keep(sample, (RegisteredDevice) st);
                      afterOperations(st);
                    });
    return replyIfAsked(effect, c.replyTo(), new Confirmation.Accepted());
  }

  private ReplyEffect<Event, State> deviceEvent(RegisteredDevice s, RecordEvent c) {
    touch();
    if (!s.session().online() || c.epoch() != s.session().epoch()) {
      return reply(c.replyTo(), Refusals.staleSession(c.epoch()));
    }
    DeviceEventReport r = c.report();
    facts.heard(r.receivedAt());
    if (s.health().recentReports().contains(Health.reportKey(r.seq(), r.type(), r.deviceTime()))) {
      return reply(c.replyTo(), new Confirmation.Accepted()); // a re-send: already persisted
    }
    EventRaised e = TelemetryFacts.reported(s, r);
    return Effect().persist(e).thenReply(c.replyTo(), st -> new Confirmation.Accepted());
  }

  // --------------------------------------------------------------------------------- operations

  private ReplyEffect<Event, State> requestOperation(RegisteredDevice s, RequestOperation c) {
    touch();
    Optional<DeviceCommand> earlier = s.operations().byIdempotencyKey(c.idempotencyKey());
    if (earlier.isPresent()) {
      return reply(c.replyTo(), new OperationAccepted(earlier.get(), s.accountId()));
    }
    Instant now = now();
    OperationPolicy.Decision decision = rules.policy().decide(s, c.operation(), now);
    if (decision instanceof OperationPolicy.Refused r) {
      return reply(c.replyTo(), r.reply(s.accountId()));
    }
    Operation op = ((OperationPolicy.Allowed) decision).operation();
    List<Event> events =
        rules.lifecycle().requested(s, op, c.ttl(), c.by(), c.idempotencyKey(), now);
    String id = ((CommandRequested) events.get(0)).command().id();
    return Effect()
        .persist(stamp(s, events))
        .thenRun(this::afterOperations)
        .thenReply(c.replyTo(), st -> accepted(st, id));
  }

  private ReplyEffect<Event, State> cancelOperation(RegisteredDevice s, CancelOperation c) {
    DeviceCommand cmd = s.operations().find(c.commandId()).orElse(null);
    if (cmd == null || cmd.status() != CommandStatus.PENDING || handedOver.contains(cmd.id())) {
      return reply(c.replyTo(), Refusals.notCancellable(s, c.commandId(), cmd));
    }
    return Effect()
        .persist(stamp(s, rules.lifecycle().cancelled(s, cmd, c.by(), now())))
        .thenRun(this::afterOperations)
        .thenReply(c.replyTo(), st -> accepted(st, cmd.id()));
  }

  /** The edge wrote an operation's PUBLISH (SENT), or the device acknowledged it (DELIVERED). */
  private ReplyEffect<Event, State> linkReport(
      RegisteredDevice s, LinkReport c, OperationLifecycle.LinkDecision decision) {
    if (c.epoch() == s.session().epoch()) handedOver.remove(c.commandId());
    List<Event> events = decision.events(s, c.epoch(), c.commandId(), now());
    return Effect().persist(stamp(s, events)).thenRun(this::afterOperations).thenNoReply();
  }

  private ReplyEffect<Event, State> operationResult(RegisteredDevice s, RecordOperationResult c) {
    touch();
    DeviceCommand cmd = s.operations().find(c.report().id()).orElse(null);
    if (cmd == null) return reply(c.replyTo(), Refusals.unknownOperation(c.report().id()));
    if (cmd.status().isFinal()) return reply(c.replyTo(), new Confirmation.Accepted()); // re-send
    handedOver.remove(cmd.id());
    return Effect()
        .persist(stamp(s, rules.lifecycle().reported(s, cmd, c.report())))
        .thenRun(this::afterOperations)
        .thenReply(c.replyTo(), st -> new Confirmation.Accepted());
  }

  private OperationReply accepted(State st, String id) {
    RegisteredDevice r = (RegisteredDevice) st;
    return new OperationAccepted(r.operations().find(id).orElseThrow(), r.accountId());
  }

  private OperationReply allowances(RegisteredDevice s) {
    return new Allowances(rules.policy().allowed(s, now()), s.accountId());
  }

  /** After operation events: re-arm the deadline and hand the next waiting operations over. */
  private void afterOperations(State st) {
    timers.arm(st);
    handOver((RegisteredDevice) st);
  }

  /** Tells the link the operations the delivery window has room for (not persisted: see SENT). */
  private void handOver(RegisteredDevice s) {
    List<DeviceCommand> next = rules.lifecycle().toHandOver(s, handedOver, now());
    if (next.isEmpty()) return;
    ActorRef<DeviceLink.Message> link = linkOf(s);
    for (DeviceCommand c : next) {
      handedOver.add(c.id());
      link.tell(new DeviceLink.Deliver(CommandMessage.of(c)));
    }
  }

  private List<Event> stamp(RegisteredDevice s, List<Event> events) {
    return OperationLifecycle.stampDeadlines(s, events, this::apply);
  }

  // ---------------------------------------------------------------------------------------- plan

  private ReplyEffect<Event, State> applyEntitlements(RegisteredDevice s, ApplyEntitlements c) {
    touch();
    Instant now = now();
    if (s.plan().applied(c.assignmentId())) {
      return reply(c.replyTo(), Views.plan(s, now)); // applied before: exactly once
    }
    return Effect()
        .persist(rules.planClock().entitlements(s, c.assignmentId(), c.grants(), c.by(), now))
        .thenRun(timers::arm)
        .thenReply(c.replyTo(), st -> Views.plan((RegisteredDevice) st, now));
  }

  // ---------------------------------------------------------------------------------- deadlines

  private ReplyEffect<Event, State> checkDeadlines(State state) {
    touch();
    if (!(state instanceof RegisteredDevice s)) return noReply();
    Instant now = now();
    List<Event> events = stamp(s, rules.due(s, now));
    if (events.isEmpty()) {
      timers.arm(s);
      return noReply();
    }
    return Effect()
        .persist(events)
        .thenRun(
            st -> {
              afterOperations(st);
              ctx.getSelf().tell(new CheckDeadlines()); // another kind of deadline may be due too
            })
        .thenNoReply();
  }

  private ReplyEffect<Event, State> idleCheck(RegisteredDevice s, IdleCheck c) {
    boolean busy =
        s.session().online()
            || s.session().offlineDeadline() != null
            || s.operations().nextDeadline() != null;
    if (!busy && Duration.between(lastActivity, now()).compareTo(settings.idlePassivation()) >= 0) {
      shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
    }
    return noReply();
  }

  /**
   * A journal that cannot be read (an event that does not deserialize) would fail the same way at
   * every restart: the entity is marked unreadable on this node and stopped, and is answered from
   * then on by {@link UnreadableJournals#refusing} (the device is refused with the reason). Other
   * failures (the database unreachable) are retried with back-off.
   */
  private void onRecoveryFailed(State s, RecoveryFailed f) {
    metrics.replayFailures().increment();
    log.error("journal of {} could not be replayed", persistenceId().id(), f.getFailure());
    if (UnreadableJournals.isUnreadable(f.getFailure())) {
      unreadable.mark(serial, f.getFailure().toString());
      shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
    }
  }

  private void onRecovered(State state) {
    if (state instanceof RegisteredDevice s) {
      if (s.session().reachable()) {
        // After a restart or rebalance the link may live on a node that is gone: watching tells.
        ctx.watchWith(linkOf(s), new LinkTerminated(s.session().epoch()));
      }
      timers.arm(s);
      handOver(s);
    }
    timers.checkIdleEvery(settings.idlePassivation());
  }

  // -------------------------------------------------------------------------------------- helpers

  private void closeLink(ActorRef<DeviceLink.Message> link, String reason) {
    if (link == null) return;
    ctx.unwatch(link);
    link.tell(new DeviceLink.Close(reason));
  }

  private ActorRef<DeviceLink.Message> linkOf(RegisteredDevice s) {
    return s.session().link() == null ? null : resolver.resolveActorRef(s.session().link());
  }

  private Instant now() {
    return clock.instant();
  }

  private void touch() {
    lastActivity = now();
  }

  <R> ReplyEffect<Event, State> reply(ActorRef<R> to, R message) {
    return Effect().reply(to, message);
  }

  private ReplyEffect<Event, State> replyIfAsked(
      EffectBuilder<Event, State> effect, ActorRef<Confirmation> to, Confirmation message) {
    return to == null ? effect.thenNoReply() : effect.thenReply(to, st -> message);
  }

  private <R> ReplyEffect<Event, State> answer(Refusals.Answer<R> a) {
    return a == null ? noReply() : Effect().reply(a.to(), a.message());
  }

  ReplyEffect<Event, State> noReply() {
    return Effect().none().thenNoReply();
  }
}
