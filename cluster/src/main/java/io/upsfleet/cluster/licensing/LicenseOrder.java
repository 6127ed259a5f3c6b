package io.upsfleet.cluster.licensing;

import io.upsfleet.cluster.CborSerializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
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
 * One purchase order and its activation code: the single writer of how many entitlements the code
 * has left, so a code can never be over-assigned, whatever the concurrency.
 *
 * <p>Lifecycle: {@link Create}d by support (the code is emailed to the installer); {@link Redeem}ed
 * by the first account that enters it (then it is that account's only); its entitlements are {@link
 * Reserve}d for devices (all of a request or none), each reservation a persisted intent that is
 * applied to its device exactly once (devices de-duplicate by assignment id) and then marked {@link
 * Complete}. Reservations not completed in time — the node died in between — are re-driven by the
 * entity itself, from a timer that is re-armed on recovery; the watchdog wakes orders with pending
 * reservations after a restart.
 *
 * <p>Persisted: the order (with its code, so it can be re-sent), redemption, reservations,
 * applications, releases, e-mail requests.
 */
public final class LicenseOrder
    extends EventSourcedBehaviorWithEnforcedReplies<
        LicenseOrder.Command, LicenseOrder.Event, LicenseOrder.State> {

  public static final EntityTypeKey<Command> ENTITY_TYPE_KEY =
      EntityTypeKey.create(Command.class, "LicenseOrder");
  public static final String TAG = "license";

  // ----------------------------------------------------------------------------------------
  // commands

  /** A message the entity handles. */
  public sealed interface Command extends CborSerializable {}

  /** Creates the order with its code. */
  public record Create(
      String poNumber,
      List<OrderLine> lines,
      String channel,
      String installerEmail,
      String code,
      String createdBy,
      ActorRef<Reply> replyTo)
      implements Command {}

  /**
   * Makes the code an account's; refused when another account (or this one) redeemed it already.
   */
  public record Redeem(UUID accountId, String by, ActorRef<Reply> replyTo) implements Command {}

  /** Reserves one entitlement per reservation, all or none, for the redeeming account. */
  public record Reserve(
      UUID accountId, List<Reservation> reservations, String by, ActorRef<Reply> replyTo)
      implements Command {}

  /** The device applied the reservation. */
  public record Complete(String assignmentId) implements Command {}

  /**
   * The reservation cannot be applied (e.g. the device does not exist); its entitlement returns.
   */
  public record Release(String assignmentId, String reason) implements Command {}

  /** Queues the code's e-mail to the installer again. */
  public record RequestEmail(String by, ActorRef<Reply> replyTo) implements Command {}

  /** Asks for the order. */
  public record Get(ActorRef<Reply> replyTo) implements Command {}

  /** Wakes the entity so it re-drives pending reservations (sent by the watchdog). */
  public record Wake() implements Command {}

  /** Internal: time to re-drive pending reservations. */
  record RetryPending() implements Command {}

  /** Internal: the outcome of re-driving one reservation. */
  record Redriven(String assignmentId, boolean applied, String failure) implements Command {}

  // -----------------------------------------------------------------------------------------
  // replies

  /** The answer to every command that has one. */
  public sealed interface Reply extends CborSerializable {}

  /** The order as it stands after the command. */
  public record Done(OrderView order) implements Reply {}

  /** Refused; nothing changed. */
  public record Rejected(Reason reason, String message) implements Reply {}

  /** Why a command was refused. */
  public enum Reason {
    NOT_FOUND,
    ALREADY_EXISTS,
    ALREADY_REDEEMED,
    NOT_REDEEMED,
    INSUFFICIENT,
    INVALID
  }

  /**
   * What an order looks like to callers.
   *
   * @param available per SKU, entitlements neither used nor reserved
   * @param used per SKU, entitlements applied to devices
   * @param pending per SKU, entitlements reserved but not yet applied
   */
  public record OrderView(
      String orderId,
      String poNumber,
      List<OrderLine> lines,
      String channel,
      String installerEmail,
      String code,
      UUID accountId,
      Instant redeemedAt,
      Map<String, Integer> available,
      Map<String, Integer> used,
      Map<String, Integer> pending,
      Instant createdAt,
      String createdBy,
      int emailsRequested,
      List<Reservation> applied)
      implements CborSerializable {}

  // ------------------------------------------------------------------------------------------
  // events

  /** A persisted fact about the order. Never rename or remove a component; add with defaults. */
  public sealed interface Event extends CborSerializable {
    Instant at();
  }

  public record OrderCreated(
      String orderId,
      String poNumber,
      List<OrderLine> lines,
      String channel,
      String installerEmail,
      String code,
      String createdBy,
      Instant at)
      implements Event {}

  public record CodeRedeemed(UUID accountId, String by, Instant at) implements Event {}

  public record EntitlementsReserved(List<Reservation> reservations, String by, Instant at)
      implements Event {}

  public record EntitlementApplied(String assignmentId, Instant at) implements Event {}

  public record ReservationReleased(String assignmentId, String reason, Instant at)
      implements Event {}

  public record CodeEmailRequested(String by, Instant at) implements Event {}

  // -------------------------------------------------------------------------------------------
  // state

  /**
   * The persisted state; immutable. {@code pending} and {@code applied} are keyed by assignment id.
   */
  public record State(
      String orderId,
      String poNumber,
      List<OrderLine> lines,
      String channel,
      String installerEmail,
      String code,
      String createdBy,
      Instant createdAt,
      UUID accountId,
      Instant redeemedAt,
      Map<String, Reservation> pending,
      Map<String, Reservation> applied,
      int emailsRequested)
      implements CborSerializable {

    static State empty(String orderId) {
      return new State(
          orderId, null, List.of(), null, null, null, null, null, null, null, Map.of(), Map.of(),
          0);
    }

    boolean exists() {
      return createdAt != null;
    }

    int count(Map<String, Reservation> m, String sku) {
      return (int) m.values().stream().filter(r -> r.sku().equals(sku)).count();
    }

    int available(String sku) {
      int total = lines.stream().filter(l -> l.sku().equals(sku)).mapToInt(OrderLine::total).sum();
      return total - count(pending, sku) - count(applied, sku);
    }

    State created(OrderCreated e) {
      return new State(
          orderId,
          e.poNumber(),
          e.lines(),
          e.channel(),
          e.installerEmail(),
          e.code(),
          e.createdBy(),
          e.at(),
          null,
          null,
          Map.of(),
          Map.of(),
          1);
    }

    State redeemed(CodeRedeemed e) {
      return new State(
          orderId,
          poNumber,
          lines,
          channel,
          installerEmail,
          code,
          createdBy,
          createdAt,
          e.accountId(),
          e.at(),
          pending,
          applied,
          emailsRequested);
    }

    State reserved(EntitlementsReserved e) {
      Map<String, Reservation> p = new LinkedHashMap<>(pending);
      for (Reservation r : e.reservations()) p.put(r.assignmentId(), r);
      return withReservations(p, applied);
    }

    State appliedOne(String assignmentId) {
      Map<String, Reservation> p = new LinkedHashMap<>(pending);
      Reservation r = p.remove(assignmentId);
      if (r == null) return this;
      Map<String, Reservation> a = new LinkedHashMap<>(applied);
      a.put(assignmentId, r);
      return withReservations(p, a);
    }

    State released(String assignmentId) {
      Map<String, Reservation> p = new LinkedHashMap<>(pending);
      p.remove(assignmentId);
      return withReservations(p, applied);
    }

    State emailed() {
      return new State(
          orderId,
          poNumber,
          lines,
          channel,
          installerEmail,
          code,
          createdBy,
          createdAt,
          accountId,
          redeemedAt,
          pending,
          applied,
          emailsRequested + 1);
    }

    private State withReservations(Map<String, Reservation> p, Map<String, Reservation> a) {
      // Insertion order matters: a device's stacked SKUs are applied in the order they were
      // reserved.
      return new State(
          orderId,
          poNumber,
          lines,
          channel,
          installerEmail,
          code,
          createdBy,
          createdAt,
          accountId,
          redeemedAt,
          Collections.unmodifiableMap(p),
          Collections.unmodifiableMap(a),
          emailsRequested);
    }

    OrderView view() {
      Map<String, Integer> available = new LinkedHashMap<>();
      Map<String, Integer> used = new LinkedHashMap<>();
      Map<String, Integer> reserved = new LinkedHashMap<>();
      for (OrderLine l : lines) {
        available.put(l.sku(), available(l.sku()));
        used.put(l.sku(), count(applied, l.sku()));
        reserved.put(l.sku(), count(pending, l.sku()));
      }
      return new OrderView(
          orderId,
          poNumber,
          lines,
          channel,
          installerEmail,
          code,
          accountId,
          redeemedAt,
          available,
          used,
          reserved,
          createdAt,
          createdBy,
          emailsRequested,
          List.copyOf(applied.values()));
    }
  }

  // -----------------------------------------------------------------------------------------
  // factory

  /**
   * The behavior of order {@code orderId}; {@code applier} applies a reservation to its device and
   * completes with true when applied, false when it can never be (the device does not exist).
   */
  public static Behavior<Command> create(
      String orderId,
      Function<Reservation, CompletionStage<Boolean>> applier,
      Duration retryAfter,
      Clock clock) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new LicenseOrder(orderId, applier, retryAfter, clock, ctx, timers)));
  }

  private static final Object RETRY_TIMER = "retry";
  private final Function<Reservation, CompletionStage<Boolean>> applier;
  private final Duration retryAfter;
  private final Clock clock;
  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final String orderId;

  /** In memory: when each pending reservation was made or last re-driven. */
  private final Map<String, Instant> lastAttempt = new HashMap<>();

  private LicenseOrder(
      String orderId,
      Function<Reservation, CompletionStage<Boolean>> applier,
      Duration retryAfter,
      Clock clock,
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers) {
    super(
        PersistenceId.of(ENTITY_TYPE_KEY.name(), orderId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    this.orderId = orderId;
    this.applier = applier;
    this.retryAfter = retryAfter;
    this.clock = clock;
    this.ctx = ctx;
    this.timers = timers;
  }

  // ---------------------------------------------------------------------------------------
  // overrides

  @Override
  public State emptyState() {
    return State.empty(orderId);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of(TAG);
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            state -> {
              // Pending after recovery means a node died between reservation and application:
              // re-drive soon.
              if (!state.pending().isEmpty())
                timers.startSingleTimer(RETRY_TIMER, new RetryPending(), Duration.ofSeconds(1));
            })
        .build();
  }

  // -------------------------------------------------------------------------------- command
  // handlers

  @Override
  public CommandHandlerWithReply<Command, Event, State> commandHandler() {
    CommandHandlerWithReplyBuilder<Command, Event, State> b = newCommandHandlerWithReplyBuilder();
    b.forAnyState()
        .onCommand(Create.class, this::onCreate)
        .onCommand(Redeem.class, this::onRedeem)
        .onCommand(Reserve.class, this::onReserve)
        .onCommand(
            Complete.class,
            (s, c) ->
                s.pending().containsKey(c.assignmentId())
                    ? Effect()
                        .persist(new EntitlementApplied(c.assignmentId(), clock.instant()))
                        .thenNoReply()
                    : Effect().none().thenNoReply())
        .onCommand(
            Release.class,
            (s, c) ->
                s.pending().containsKey(c.assignmentId())
                    ? Effect()
                        .persist(
                            new ReservationReleased(c.assignmentId(), c.reason(), clock.instant()))
                        .thenNoReply()
                    : Effect().none().thenNoReply())
        .onCommand(
            RequestEmail.class,
            (s, c) ->
                s.exists()
                    ? Effect()
                        .persist(new CodeEmailRequested(c.by(), clock.instant()))
                        .thenReply(c.replyTo(), st -> new Done(st.view()))
                    : Effect().reply(c.replyTo(), notFound()))
        .onCommand(
            Get.class,
            (s, c) -> Effect().reply(c.replyTo(), s.exists() ? new Done(s.view()) : notFound()))
        .onCommand(Wake.class, (s, c) -> onRetry(s))
        .onCommand(RetryPending.class, (s, c) -> onRetry(s))
        .onCommand(Redriven.class, this::onRedriven);
    return b.build();
  }

  private static Rejected notFound() {
    return new Rejected(Reason.NOT_FOUND, "no such order");
  }

  private ReplyEffect<Event, State> onCreate(State s, Create c) {
    if (s.exists())
      return Effect().reply(c.replyTo(), new Rejected(Reason.ALREADY_EXISTS, "the order exists"));
    if (c.lines().isEmpty())
      return Effect().reply(c.replyTo(), new Rejected(Reason.INVALID, "an order needs a line"));
    OrderCreated e =
        new OrderCreated(
            orderId,
            c.poNumber(),
            List.copyOf(c.lines()),
            c.channel(),
            c.installerEmail(),
            c.code(),
            c.createdBy(),
            clock.instant());
    return Effect().persist(e).thenReply(c.replyTo(), st -> new Done(st.view()));
  }

  private ReplyEffect<Event, State> onRedeem(State s, Redeem c) {
    if (!s.exists()) return Effect().reply(c.replyTo(), notFound());
    if (s.accountId() != null) {
      String who = s.accountId().equals(c.accountId()) ? "your account" : "another account";
      return Effect()
          .reply(
              c.replyTo(),
              new Rejected(Reason.ALREADY_REDEEMED, "the code was already redeemed by " + who));
    }
    return Effect()
        .persist(new CodeRedeemed(c.accountId(), c.by(), clock.instant()))
        .thenReply(c.replyTo(), st -> new Done(st.view()));
  }

  private ReplyEffect<Event, State> onReserve(State s, Reserve c) {
    if (!s.exists() || s.accountId() == null || !s.accountId().equals(c.accountId())) {
      // Another account's code is indistinguishable from a missing one.
      return Effect()
          .reply(
              c.replyTo(),
              s.exists() && s.accountId() == null
                  ? new Rejected(Reason.NOT_REDEEMED, "redeem the code before assigning it")
                  : notFound());
    }
    Map<String, Integer> wanted = new HashMap<>();
    List<Reservation> fresh = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Reservation r : c.reservations()) {
      if (s.pending().containsKey(r.assignmentId()) || s.applied().containsKey(r.assignmentId()))
        continue;
      if (!seen.add(r.assignmentId()))
        continue; // the same id twice in one request is one reservation
      wanted.merge(r.sku(), 1, Integer::sum);
      fresh.add(r);
    }
    for (Map.Entry<String, Integer> w : wanted.entrySet()) {
      int left = s.available(w.getKey());
      if (left < w.getValue()) {
        return Effect()
            .reply(
                c.replyTo(),
                new Rejected(
                    Reason.INSUFFICIENT,
                    "the code has "
                        + left
                        + " "
                        + w.getKey()
                        + " left, "
                        + w.getValue()
                        + " requested"));
      }
    }
    if (fresh.isEmpty())
      return Effect().reply(c.replyTo(), new Done(s.view())); // a retry of the same request
    Instant now = clock.instant();
    return Effect()
        .persist(new EntitlementsReserved(fresh, c.by(), now))
        .thenRun(
            st -> {
              fresh.forEach(r -> lastAttempt.put(r.assignmentId(), now));
              timers.startSingleTimer(RETRY_TIMER, new RetryPending(), retryAfter);
            })
        .thenReply(c.replyTo(), st -> new Done(st.view()));
  }

  private ReplyEffect<Event, State> onRetry(State s) {
    Instant now = clock.instant();
    Set<String> serialsInTurn = new HashSet<>();
    for (Reservation r : s.pending().values()) {
      // One reservation per device at a time, in reservation order, so stacked terms keep their
      // order.
      if (!serialsInTurn.add(r.serial())) continue;
      Instant last = lastAttempt.get(r.assignmentId());
      if (last != null && Duration.between(last, now).compareTo(retryAfter) < 0) continue;
      lastAttempt.put(r.assignmentId(), now);
      CompletionStage<Boolean> attempt;
      try {
        attempt = applier.apply(r);
      } catch (RuntimeException e) {
        attempt = CompletableFuture.failedFuture(e); // retried like any transient failure
      }
      ctx.pipeToSelf(
          attempt,
          (applied, err) ->
              new Redriven(
                  r.assignmentId(),
                  err == null && applied,
                  err == null ? (applied ? null : "DEVICE_NOT_FOUND") : null));
    }
    if (!s.pending().isEmpty())
      timers.startSingleTimer(RETRY_TIMER, new RetryPending(), retryAfter);
    return Effect().none().thenNoReply();
  }

  private ReplyEffect<Event, State> onRedriven(State s, Redriven c) {
    if (!s.pending().containsKey(c.assignmentId())) return Effect().none().thenNoReply();
    if (c.applied())
      return Effect()
          .persist(new EntitlementApplied(c.assignmentId(), clock.instant()))
          .thenNoReply();
    if (c.failure() != null) {
      return Effect()
          .persist(new ReservationReleased(c.assignmentId(), c.failure(), clock.instant()))
          .thenNoReply();
    }
    return Effect().none().thenNoReply(); // a transient failure: the timer tries again
  }

  // ---------------------------------------------------------------------------------- event
  // handler

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(OrderCreated.class, (s, e) -> s.created(e))
        .onEvent(CodeRedeemed.class, (s, e) -> s.redeemed(e))
        .onEvent(EntitlementsReserved.class, (s, e) -> s.reserved(e))
        .onEvent(EntitlementApplied.class, (s, e) -> s.appliedOne(e.assignmentId()))
        .onEvent(ReservationReleased.class, (s, e) -> s.released(e.assignmentId()))
        .onEvent(CodeEmailRequested.class, (s, e) -> s.emailed())
        .build();
  }
}
