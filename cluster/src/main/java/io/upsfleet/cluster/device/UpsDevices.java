package io.upsfleet.cluster.device;

import io.upsfleet.cluster.operation.CommandReport;
import io.upsfleet.cluster.operation.Operation;
import io.upsfleet.cluster.plan.Grant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The one way into the {@link UpsDevice} entities: sharding set-up, fire-and-forget tells and typed
 * asks with the configured timeout. Thread-safe; every method may be called from any thread,
 * including a Netty event loop (nothing blocks). Asks complete exceptionally with a {@code
 * TimeoutException} when the entity does not answer in time.
 */
public final class UpsDevices {
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final DeviceSettings settings;
  private final Clock clock;
  private final DeviceMetrics metrics;

  private UpsDevices(
      ActorSystem<?> system,
      ClusterSharding sharding,
      DeviceSettings settings,
      Clock clock,
      DeviceMetrics metrics) {
    this.metrics = metrics;
    this.system = system;
    this.sharding = sharding;
    this.settings = settings;
    this.clock = clock;
  }

  /** Starts the device shard region on this node. */
  public static UpsDevices init(ActorSystem<?> system, DeviceSettings settings, Clock clock) {
    return init(system, settings, clock, DeviceMetrics.unobserved());
  }

  /** Starts the device shard region on this node, its entities counting into {@code metrics}. */
  public static UpsDevices init(
      ActorSystem<?> system, DeviceSettings settings, Clock clock, DeviceMetrics metrics) {
    ClusterSharding sharding = ClusterSharding.get(system);
    DeviceRules rules = DeviceRules.of(settings);
    sharding.init(
        Entity.of(
            UpsDevice.ENTITY_TYPE_KEY,
            ctx ->
                UpsDeviceBehavior.create(
                    ctx.getEntityId(), ctx.getShard(), rules, clock, metrics)));
    return new UpsDevices(system, sharding, settings, clock, metrics);
  }

  /** The entities' counters (stale samples, cloned identities, unreadable journals). */
  public DeviceMetrics metrics() {
    return metrics;
  }

  public DeviceSettings settings() {
    return settings;
  }

  private EntityRef<UpsDevice.Command> ref(String serial) {
    return sharding.entityRefFor(UpsDevice.ENTITY_TYPE_KEY, serial);
  }

  /** Registers a device; completes with Accepted or Rejected(ALREADY_REGISTERED). */
  public CompletionStage<UpsDevice.Confirmation> register(
      String serial, String model, String accountId) {
    return ref(serial).ask(r -> new UpsDevice.Register(model, accountId, r), settings.askTimeout());
  }

  /**
   * Deregisters a device (its session closed, out of lists, plan time lost); completes with
   * Accepted or Rejected(NOT_REGISTERED).
   */
  public CompletionStage<UpsDevice.Confirmation> deregister(String serial, String by) {
    return ref(serial).ask(r -> new UpsDevice.Deregister(by, r), settings.askTimeout());
  }

  /**
   * Moves a device to another account with its plan and warranty; completes with Accepted or
   * Rejected(NOT_REGISTERED).
   */
  public CompletionStage<UpsDevice.Confirmation> transfer(
      String serial, String toAccountId, String by) {
    return ref(serial).ask(r -> new UpsDevice.Transfer(toAccountId, by, r), settings.askTimeout());
  }

  /** Opens a session; completes with {@link UpsDevice.Attachment} or a rejection. */
  public CompletionStage<UpsDevice.AttachReply> attach(
      String serial, String remoteAddress, String node, ActorRef<DeviceLink.Message> link) {
    // The entity refuses the attach once the ask has timed out here: by then the edge has refused
    // the CONNECT.
    Instant notAfter = clock.instant().plus(settings.askTimeout());
    return direct(
        ref(serial)
            .ask(
                r -> new UpsDevice.Attach(remoteAddress, node, link, notAfter, r),
                settings.askTimeout()));
  }

  /** Ends session {@code epoch}. */
  public void detach(String serial, long epoch, String reason) {
    ref(serial).tell(new UpsDevice.Detach(epoch, reason));
  }

  /** Hands a validated sample to the entity. */
  public void recordTelemetry(String serial, long epoch, Telemetry telemetry) {
    ref(serial).tell(new UpsDevice.RecordTelemetry(epoch, telemetry));
  }

  /**
   * A handle on one device's entity for a connection's hot path (made once per connection, not per
   * sample).
   */
  public Handle handle(String serial) {
    return new Handle(ref(serial), settings);
  }

  /**
   * See {@link #handle}. Thread-safe. A QoS 1 sample is acknowledged once what it changed is
   * stored: the handle asks the entity for each sample whose {@link SampleFacts} differ from those
   * of the last sample the entity confirmed in this session; a sample with the same facts cannot
   * change the device's persisted state, so it is handed over without waiting (the PUBACK of most
   * samples costs no round trip to the entity).
   */
  public static final class Handle {
    private static final CompletionStage<UpsDevice.Confirmation> NOTHING_TO_STORE =
        CompletableFuture.completedFuture(new UpsDevice.Confirmation.Accepted());
    private final EntityRef<UpsDevice.Command> ref;
    private final DeviceSettings settings;
    private volatile long storedEpoch = -1;
    private volatile SampleFacts stored;
    private final AtomicInteger asking = new AtomicInteger();

    private Handle(EntityRef<UpsDevice.Command> ref, DeviceSettings settings) {
      this.ref = ref;
      this.settings = settings;
    }

    /** Hands a validated sample to the entity (QoS 0: nothing to acknowledge). */
    public void recordTelemetry(long epoch, Telemetry telemetry) {
      ref.tell(new UpsDevice.RecordTelemetry(epoch, telemetry));
    }

    /**
     * Hands a validated QoS 1 sample ({@code dup}: sent again) to the entity; completes once what
     * it changed is persisted, so the edge acknowledges only what is stored.
     */
    public CompletionStage<UpsDevice.Confirmation> recordTelemetry(
        long epoch, Telemetry telemetry, boolean dup) {
      SampleFacts facts =
          SampleFacts.of(telemetry, settings.temperatureHigh(), settings.temperatureClear());
      // Only while no earlier sample is still being stored: its facts may be about to change.
      if (asking.get() == 0 && epoch == storedEpoch && facts.equals(stored)) {
        ref.tell(new UpsDevice.RecordTelemetry(epoch, telemetry));
        return NOTHING_TO_STORE;
      }
      asking.incrementAndGet();
      CompletionStage<UpsDevice.Confirmation> answer =
          direct(
              ref.ask(
                  r -> new UpsDevice.RecordTelemetry(epoch, telemetry, dup, r),
                  settings.storeTimeout()));
      return answer.whenComplete(
          (reply, failure) -> {
            if (reply instanceof UpsDevice.Confirmation.Accepted) {
              stored = facts;
              storedEpoch = epoch;
            }
            asking.decrementAndGet();
          });
    }
  }

  /** Persists a device-reported event; completes once it is persisted (or refused). */
  public CompletionStage<UpsDevice.Confirmation> recordEvent(
      String serial, long epoch, DeviceEventReport report) {
    return direct(
        ref(serial).ask(r -> new UpsDevice.RecordEvent(epoch, report, r), settings.storeTimeout()));
  }

  /** The live view; {@code registered() == false} when there is no such device. */
  public CompletionStage<DeviceSnapshot> snapshot(String serial) {
    return direct(ref(serial).ask(UpsDevice.GetSnapshot::new, settings.askTimeout()));
  }

  /**
   * Applies an assignment's grants exactly once; completes with the plan, or
   * Rejected(NOT_REGISTERED).
   */
  public CompletionStage<UpsDevice.PlanReply> applyEntitlements(
      String serial, String assignmentId, List<Grant> grants, String by) {
    return ref(serial)
        .ask(
            r -> new UpsDevice.ApplyEntitlements(assignmentId, grants, by, r),
            settings.askTimeout());
  }

  /** What the grants would give, without applying them. */
  public CompletionStage<UpsDevice.PlanReply> previewEntitlements(
      String serial, List<Grant> grants) {
    return ref(serial)
        .ask(r -> new UpsDevice.PreviewEntitlements(grants, r), settings.askTimeout());
  }

  /** The plan timeline and warranty, or Rejected(NOT_REGISTERED). */
  public CompletionStage<UpsDevice.PlanReply> plan(String serial) {
    return ref(serial).ask(UpsDevice.GetPlan::new, settings.askTimeout());
  }

  /** Requests a remote operation; completes with OperationAccepted or OperationRefused. */
  public CompletionStage<UpsDevice.OperationReply> requestOperation(
      String serial, Operation operation, Duration ttl, String by, String idempotencyKey) {
    return ref(serial)
        .ask(
            r -> new UpsDevice.RequestOperation(operation, ttl, by, idempotencyKey, r),
            settings.askTimeout());
  }

  /** Cancels a pending operation; completes with OperationAccepted or OperationRefused. */
  public CompletionStage<UpsDevice.OperationReply> cancelOperation(
      String serial, String commandId, String by) {
    return ref(serial)
        .ask(r -> new UpsDevice.CancelOperation(commandId, by, r), settings.askTimeout());
  }

  /** A page of the device's operations, newest first; completes with OperationPage or a refusal. */
  public CompletionStage<UpsDevice.OperationReply> operations(
      String serial, int offset, int limit) {
    return ref(serial)
        .ask(r -> new UpsDevice.GetOperations(offset, limit, r), settings.askTimeout());
  }

  /** Which operations the device may be asked now; completes with Allowances or a refusal. */
  public CompletionStage<UpsDevice.OperationReply> allowedOperations(String serial) {
    return ref(serial).ask(UpsDevice.GetAllowedOperations::new, settings.askTimeout());
  }

  /** The edge wrote an operation's PUBLISH to the device in session {@code epoch}. */
  public void operationPublished(String serial, long epoch, String commandId) {
    ref(serial).tell(new UpsDevice.OperationPublished(epoch, commandId));
  }

  /** The device acknowledged an operation's publish in session {@code epoch}. */
  public void operationDelivered(String serial, long epoch, String commandId) {
    ref(serial).tell(new UpsDevice.OperationDelivered(epoch, commandId));
  }

  /** Persists a device's report on an operation; completes once persisted (or refused). */
  public CompletionStage<UpsDevice.Confirmation> recordOperationResult(
      String serial, long epoch, CommandReport report) {
    return direct(
        ref(serial)
            .ask(
                r -> new UpsDevice.RecordOperationResult(epoch, report, r),
                settings.storeTimeout()));
  }

  /**
   * The answer of an ask as a plain {@link CompletableFuture}, completed on the thread that
   * completes the ask. The stage Pekko returns runs even non-async callbacks asynchronously on the
   * common pool, which on a machine with two cores is a new thread per callback: on the per-message
   * paths (a QoS 1 sample, an event, an attach) that cost more than the message itself (found
   * measuring S2). Callers only hop onto their own executors (the channel's event loop).
   */
  private static <T> CompletionStage<T> direct(CompletionStage<T> asked) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    asked.whenCompleteAsync(
        (value, failure) -> {
          if (failure != null) answer.completeExceptionally(failure);
          else answer.complete(value);
        },
        Runnable::run);
    return answer;
  }

  /** How many device entities this node holds in memory right now. */
  public CompletionStage<Integer> localEntityCount() {
    return AskPattern.<ClusterShardingQuery, ShardRegion.CurrentShardRegionState>ask(
            sharding.shardState(),
            replyTo -> new GetShardRegionState(UpsDevice.ENTITY_TYPE_KEY, replyTo),
            settings.askTimeout(),
            system.scheduler())
        .thenApply(
            state -> state.getShards().stream().mapToInt(s -> s.getEntityIds().size()).sum());
  }

  /** Wakes an entity so that it re-checks its persisted deadlines and its link. */
  public void wake(String serial) {
    ref(serial).tell(new UpsDevice.Wake());
  }
}
