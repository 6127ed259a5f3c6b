package io.upsfleet.cluster.command;

import io.upsfleet.cluster.CborSerializable;
import io.upsfleet.cluster.device.UpsDevice;
import io.upsfleet.cluster.device.UpsDevices;
import io.upsfleet.cluster.operation.CommandStatus;
import io.upsfleet.cluster.operation.DeviceCommand;
import io.upsfleet.cluster.operation.Operation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * A rolling firmware upgrade over a selection of devices: at most {@code concurrency} devices
 * upgrade at once; {@code abortAfterFailures} failed upgrades abort it (running ones finish, no new
 * ones start); it can be paused and resumed. Each device gets one FIRMWARE_UPGRADE command,
 * requested with an idempotency key of the rollout and serial, so a restart never upgrades a device
 * twice. Devices that refuse (plan, already up to date, an upgrade already running) are skipped
 * with the reason.
 *
 * <p>The entity is a remembered sharded entity: after a restart it comes back by itself and carries
 * on, and it passivates itself once finished. Persisted: the selection, each device's start and
 * outcome, pauses, resumptions, abort and completion.
 */
public final class FirmwareRollout
    extends EventSourcedBehaviorWithEnforcedReplies<
        FirmwareRollout.Command, FirmwareRollout.Event, FirmwareRollout.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "FirmwareRollout");

  // ----------------------------------------------------------------------------------------
  // commands

  /** A message the entity handles. */
  public sealed interface Command extends CborSerializable {}

  public record Start(
      String accountId,
      List<String> serials,
      int concurrency,
      int abortAfterFailures,
      String by,
      ActorRef<Reply> replyTo)
      implements Command {}

  public record Pause(String by, ActorRef<Reply> replyTo) implements Command {}

  public record Resume(String by, ActorRef<Reply> replyTo) implements Command {}

  public record Abort(String by, ActorRef<Reply> replyTo) implements Command {}

  public record Get(ActorRef<Reply> replyTo) implements Command {}

  record Tick() implements Command {}

  record Started(String serial, String commandId, String skipped) implements Command {}

  record Finished(String serial, CommandStatus status, String reason) implements Command {}

  record StillRunning(String serial) implements Command {}

  // -----------------------------------------------------------------------------------------
  // replies

  /** Every reply. */
  public sealed interface Reply extends CborSerializable {}

  public record View(RolloutView rollout) implements Reply {}

  public record Refused(String reason) implements Reply {}

  /** A rollout as callers see it. */
  public record RolloutView(
      String id,
      String accountId,
      Phase phase,
      int concurrency,
      int abortAfterFailures,
      int failures,
      Map<String, DeviceProgress> devices,
      String createdBy,
      Instant createdAt,
      Instant updatedAt)
      implements CborSerializable {}

  /** One device's place in the rollout. */
  public record DeviceProgress(Step step, String commandId, String reason)
      implements CborSerializable {}

  public enum Phase {
    RUNNING,
    PAUSED,
    ABORTED,
    COMPLETED
  }

  public enum Step {
    WAITING,
    RUNNING,
    SUCCEEDED,
    FAILED,
    SKIPPED
  }

  // ------------------------------------------------------------------------------------------
  // events

  public sealed interface Event extends CborSerializable {
    Instant at();
  }

  public record RolloutStarted(
      String accountId,
      List<String> serials,
      int concurrency,
      int abortAfterFailures,
      String by,
      Instant at)
      implements Event {}

  public record DeviceStarted(String serial, String commandId, Instant at) implements Event {}

  public record DeviceFinished(String serial, Step step, String reason, Instant at)
      implements Event {}

  public record PhaseChanged(Phase phase, String by, Instant at) implements Event {}

  // -------------------------------------------------------------------------------------------
  // state

  public record State(
      String id,
      String accountId,
      Phase phase,
      int concurrency,
      int abortAfterFailures,
      Map<String, DeviceProgress> devices,
      String createdBy,
      Instant createdAt,
      Instant updatedAt)
      implements CborSerializable {

    boolean exists() {
      return createdAt != null;
    }

    int count(Step step) {
      return (int) devices.values().stream().filter(d -> d.step() == step).count();
    }

    State withDevice(String serial, DeviceProgress p, Instant at) {
      Map<String, DeviceProgress> d = new LinkedHashMap<>(devices);
      d.put(serial, p);
      return new State(
          id,
          accountId,
          phase,
          concurrency,
          abortAfterFailures,
          Collections.unmodifiableMap(d),
          createdBy,
          createdAt,
          at);
    }

    State withPhase(Phase p, Instant at) {
      return new State(
          id, accountId, p, concurrency, abortAfterFailures, devices, createdBy, createdAt, at);
    }

    RolloutView view() {
      return new RolloutView(
          id,
          accountId,
          phase,
          concurrency,
          abortAfterFailures,
          count(Step.FAILED),
          devices,
          createdBy,
          createdAt,
          updatedAt);
    }
  }

  // -----------------------------------------------------------------------------------------
  // factory

  public static Behavior<Command> create(
      String id, ActorRef<ClusterSharding.ShardCommand> shard, UpsDevices devices, Clock clock) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new FirmwareRollout(id, shard, devices, clock, ctx, timers)));
  }

  private static final Duration TICK = Duration.ofSeconds(2);
  private static final Duration COMMAND_TTL = Duration.ofHours(1);
  private final String id;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final UpsDevices devices;
  private final Clock clock;
  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;

  /** In memory: devices with an ask in flight, so a tick does not start or poll them twice. */
  private final Set<String> busy = new HashSet<>();

  private FirmwareRollout(
      String id,
      ActorRef<ClusterSharding.ShardCommand> shard,
      UpsDevices devices,
      Clock clock,
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers) {
    super(
        PersistenceId.of(ENTITY_TYPE_KEY.name(), id),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.id = id;
    this.shard = shard;
    this.devices = devices;
    this.clock = clock;
    this.ctx = ctx;
    this.timers = timers;
  }

  @Override
  public State emptyState() {
    return new State(id, null, Phase.RUNNING, 0, 0, Map.of(), null, null, null);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            s -> {
              if (s.exists() && (s.phase() == Phase.RUNNING || s.count(Step.RUNNING) > 0)) {
                timers.startTimerWithFixedDelay(new Tick(), TICK);
              }
            })
        .build();
  }

  // -------------------------------------------------------------------------------- command
  // handlers

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> b = newCommandHandlerWithReplyBuilder();
    b.forAnyState()
        .onCommand(Start.class, this::onStart)
        .onCommand(
            Pause.class, (s, c) -> phase(s, c.replyTo(), Phase.PAUSED, c.by(), Phase.RUNNING))
        .onCommand(
            Resume.class, (s, c) -> phase(s, c.replyTo(), Phase.RUNNING, c.by(), Phase.PAUSED))
        .onCommand(
            Abort.class,
            (s, c) -> phase(s, c.replyTo(), Phase.ABORTED, c.by(), Phase.RUNNING, Phase.PAUSED))
        .onCommand(
            Get.class,
            (s, c) ->
                s.exists() ? Effect().reply(c.replyTo(), new View(s.view())) : unknown(c.replyTo()))
        .onCommand(Tick.class, this::onTick)
        .onCommand(Started.class, this::onStarted)
        .onCommand(Finished.class, this::onFinished)
        .onCommand(
            StillRunning.class,
            (s, c) -> {
              busy.remove(c.serial());
              return Effect().none().thenNoReply();
            });
    return b.build();
  }

  private ReplyEffect<Event, State> onStart(State s, Start c) {
    if (s.exists()) return Effect().reply(c.replyTo(), new Refused("the rollout exists"));
    Instant now = clock.instant();
    return Effect()
        .persist(
            new RolloutStarted(
                c.accountId(),
                List.copyOf(c.serials()),
                c.concurrency(),
                c.abortAfterFailures(),
                c.by(),
                now))
        .thenRun(st -> timers.startTimerWithFixedDelay(new Tick(), Duration.ZERO, TICK))
        .thenReply(c.replyTo(), st -> new View(st.view()));
  }

  /**
   * An id nobody started: answered, and the entity goes away so that nothing is remembered for it.
   */
  private ReplyEffect<Event, State> unknown(ActorRef<Reply> replyTo) {
    shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
    return Effect().reply(replyTo, new Refused("no such rollout"));
  }

  private ReplyEffect<Event, State> phase(
      State s, ActorRef<Reply> replyTo, Phase to, String by, Phase... from) {
    if (!s.exists()) return unknown(replyTo);
    if (!List.of(from).contains(s.phase())) {
      return Effect()
          .reply(replyTo, new Refused("the rollout is " + s.phase() + "; it cannot become " + to));
    }
    return Effect()
        .persist(new PhaseChanged(to, by, clock.instant()))
        .thenRun(
            st -> {
              if (to == Phase.RUNNING)
                timers.startTimerWithFixedDelay(new Tick(), Duration.ZERO, TICK);
            })
        .thenReply(replyTo, st -> new View(st.view()));
  }

  private ReplyEffect<Event, State> onTick(State s, Tick t) {
    if (!s.exists()) return Effect().none().thenNoReply();
    for (Map.Entry<String, DeviceProgress> e : s.devices().entrySet()) {
      if (e.getValue().step() == Step.RUNNING && busy.add(e.getKey()))
        poll(e.getKey(), e.getValue().commandId());
    }
    if (s.phase() == Phase.RUNNING) {
      int running =
          s.count(Step.RUNNING)
              + (int)
                  busy.stream()
                      .filter(serial -> s.devices().get(serial).step() == Step.WAITING)
                      .count();
      for (Map.Entry<String, DeviceProgress> e : s.devices().entrySet()) {
        if (running >= s.concurrency()) break;
        if (e.getValue().step() == Step.WAITING && busy.add(e.getKey())) {
          start(e.getKey());
          running++;
        }
      }
    }
    boolean open = s.count(Step.WAITING) > 0 && s.phase() == Phase.RUNNING;
    if (!open && s.count(Step.RUNNING) == 0 && busy.isEmpty()) {
      timers.cancel(new Tick());
      if (s.phase() == Phase.RUNNING) {
        return Effect()
            .persist(new PhaseChanged(Phase.COMPLETED, "rollout", clock.instant()))
            .thenRun(st -> shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf())))
            .thenNoReply();
      }
      if (s.phase() == Phase.ABORTED || s.phase() == Phase.COMPLETED) {
        shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
      }
    }
    return Effect().none().thenNoReply();
  }

  private void start(String serial) {
    ctx.pipeToSelf(
        devices.requestOperation(
            serial,
            new Operation.FirmwareUpgrade(null, false),
            COMMAND_TTL,
            "rollout:" + id,
            "rollout:" + id + ":" + serial),
        (reply, err) -> {
          if (reply instanceof UpsDevice.OperationAccepted a)
            return new Started(serial, a.command().id(), null);
          if (reply instanceof UpsDevice.OperationRefused r)
            return new Started(serial, null, r.message());
          return new StillRunning(serial); // the device did not answer: try again on a later tick
        });
  }

  private void poll(String serial, String commandId) {
    ctx.pipeToSelf(
        devices.operations(serial, 0, 1000),
        (reply, err) -> {
          if (reply instanceof UpsDevice.OperationPage list) {
            for (DeviceCommand c : list.commands()) {
              if (c.id().equals(commandId) && c.status().isFinal())
                return new Finished(serial, c.status(), c.reason());
            }
          }
          return new StillRunning(serial);
        });
  }

  private ReplyEffect<Event, State> onStarted(State s, Started c) {
    busy.remove(c.serial());
    Instant now = clock.instant();
    if (c.commandId() == null) {
      return Effect()
          .persist(new DeviceFinished(c.serial(), Step.SKIPPED, c.skipped(), now))
          .thenNoReply();
    }
    return Effect().persist(new DeviceStarted(c.serial(), c.commandId(), now)).thenNoReply();
  }

  private ReplyEffect<Event, State> onFinished(State s, Finished c) {
    busy.remove(c.serial());
    Instant now = clock.instant();
    List<Event> events = new ArrayList<>();
    boolean ok = c.status() == CommandStatus.SUCCEEDED;
    events.add(
        new DeviceFinished(
            c.serial(),
            ok ? Step.SUCCEEDED : Step.FAILED,
            ok ? null : c.status() + (c.reason() != null ? ": " + c.reason() : ""),
            now));
    int failures = s.count(Step.FAILED) + (ok ? 0 : 1);
    if (!ok && failures >= s.abortAfterFailures() && s.phase() != Phase.ABORTED) {
      events.add(new PhaseChanged(Phase.ABORTED, "rollout: " + failures + " failures", now));
    }
    return Effect().persist(events).thenNoReply();
  }

  // ---------------------------------------------------------------------------------- event
  // handler

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(
            RolloutStarted.class,
            (s, e) -> {
              Map<String, DeviceProgress> d = new LinkedHashMap<>();
              for (String serial : e.serials())
                d.put(serial, new DeviceProgress(Step.WAITING, null, null));
              return new State(
                  id,
                  e.accountId(),
                  Phase.RUNNING,
                  e.concurrency(),
                  e.abortAfterFailures(),
                  Collections.unmodifiableMap(d),
                  e.by(),
                  e.at(),
                  e.at());
            })
        .onEvent(
            DeviceStarted.class,
            (s, e) ->
                s.withDevice(
                    e.serial(), new DeviceProgress(Step.RUNNING, e.commandId(), null), e.at()))
        .onEvent(
            DeviceFinished.class,
            (s, e) ->
                s.withDevice(
                    e.serial(),
                    new DeviceProgress(
                        e.step(), s.devices().get(e.serial()).commandId(), e.reason()),
                    e.at()))
        .onEvent(PhaseChanged.class, (s, e) -> s.withPhase(e.phase(), e.at()))
        .build();
  }
}
