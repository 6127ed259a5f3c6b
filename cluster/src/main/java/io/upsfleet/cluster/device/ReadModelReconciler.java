package io.upsfleet.cluster.device;

import io.upsfleet.cluster.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The safety net of the device read models (issue 10): finds devices whose read models miss an
 * event the journal has, and re-applies it. A tag query skips an event whose write committed after
 * the read journal stopped waiting for its {@code ordering} number (its gap window); the journal
 * write bound ({@code upsfleet.journal.write-timeout}) prevents that, this repairs whatever still
 * gets through.
 *
 * <p>A gap: the event after a device's contiguous progress ({@code read_model_progress}, kept by
 * {@link DeviceProjection}) is in the journal with an {@code ordering} at or below the offset the
 * projection of its tag has committed, i.e. the projection went past it without applying it. The
 * repair reads that device's events from there ({@code currentEventsByPersistenceId}) and applies
 * them in order with the projection's own code ({@link DeviceProjection#apply}, idempotent), up to
 * the projection's offset, in one transaction holding the device's progress row (which the
 * projection locks too). Each repaired device counts in {@link #gapsRepaired()} (metric {@code
 * read_model_gaps_repaired_total}) and is logged at WARN with its persistence id.
 *
 * <p>Runs as a cluster singleton every {@code upsfleet.read-model-reconciler.interval}. Not
 * covered: a device none of whose events was ever applied has no progress row to compare (the
 * projection creates it with the first event it applies).
 */
public final class ReadModelReconciler {
  private static final Logger LOG = LoggerFactory.getLogger(ReadModelReconciler.class);
  private static final int MAX_EVENTS_PER_REPAIR = 1000;

  private final ActorSystem<?> system;
  private final Jdbc jdbc;
  private final JdbcReadJournal readJournal;
  private final int slices;
  private final int batch;
  private final AtomicLong repaired = new AtomicLong();

  private ReadModelReconciler(ActorSystem<?> system, Jdbc jdbc, int slices, int batch) {
    this.system = system;
    this.jdbc = jdbc;
    this.slices = slices;
    this.batch = batch;
    this.readJournal =
        PersistenceQuery.get(Adapter.toClassic(system))
            .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
  }

  private sealed interface Msg {}

  private record Round() implements Msg {}

  private record RoundDone(int repaired, Throwable error) implements Msg {}

  /**
   * Starts the singleton (on every node; one runs) and returns this node's instance, whose counter
   * counts the repairs made while the singleton runs here.
   */
  public static ReadModelReconciler init(
      ActorSystem<?> system, Jdbc jdbc, int slices, Duration interval, int batch) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException(
          "upsfleet.read-model-reconciler.interval must be positive, was " + interval);
    }
    if (batch < 1) {
      throw new IllegalArgumentException(
          "upsfleet.read-model-reconciler.batch must be at least 1, was " + batch);
    }
    ReadModelReconciler reconciler = new ReadModelReconciler(system, jdbc, slices, batch);
    Behavior<Msg> behavior =
        Behaviors.<Msg>supervise(
                Behaviors.setup(
                    ctx ->
                        Behaviors.withTimers(
                            timers -> {
                              timers.startTimerWithFixedDelay(new Round(), interval, interval);
                              return reconciler.idle(ctx);
                            })))
            .onFailure(SupervisorStrategy.restart());
    ClusterSingleton.get(system).init(SingletonActor.of(behavior, "read-model-reconciler"));
    return reconciler;
  }

  private Behavior<Msg> idle(ActorContext<Msg> ctx) {
    return Behaviors.receive(Msg.class)
        .onMessage(
            Round.class,
            m -> {
              ctx.pipeToSelf(reconcile(), (n, err) -> new RoundDone(n == null ? 0 : n, err));
              return busy(ctx);
            })
        .onMessage(RoundDone.class, m -> Behaviors.same())
        .build();
  }

  /** While a round runs, the next one is skipped (rounds never overlap). */
  private Behavior<Msg> busy(ActorContext<Msg> ctx) {
    return Behaviors.receive(Msg.class)
        .onMessage(Round.class, m -> Behaviors.same())
        .onMessage(
            RoundDone.class,
            m -> {
              if (m.error() != null) {
                ctx.getLog().warn("read-model reconciliation failed: {}", m.error().toString());
              }
              return idle(ctx);
            })
        .build();
  }

  /** Gaps repaired on this node since start (one per device and repair). */
  public long gapsRepaired() {
    return repaired.get();
  }

  /** One round: finds up to {@code batch} devices with a gap and repairs them one by one. */
  public CompletionStage<Integer> reconcile() {
    return jdbc.run(this::gaps)
        .thenCompose(
            gaps -> {
              CompletionStage<Integer> done = CompletableFuture.completedFuture(0);
              for (Gap g : gaps) {
                done = done.thenCompose(n -> repair(g).thenApply(r -> r ? n + 1 : n));
              }
              return done;
            });
  }

  private record Gap(String persistenceId, long seqNr) {}

  private List<Gap> gaps(Connection c) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT p.persistence_id, p.seq_nr FROM read_model_progress p WHERE p.projection = ?"
                + " AND EXISTS (SELECT 1 FROM event_journal j"
                + " JOIN event_tag t ON t.event_id = j.ordering"
                + " JOIN pekko_projection_offset_store o ON o.projection_name = p.projection"
                + " AND o.projection_key = t.tag"
                + " WHERE j.persistence_id = p.persistence_id AND j.sequence_number = p.seq_nr + 1"
                + " AND NOT j.deleted AND j.ordering <= CAST(o.current_offset AS bigint))"
                + " ORDER BY p.persistence_id LIMIT ?")) {
      ps.setString(1, DeviceProjection.NAME);
      ps.setInt(2, batch);
      List<Gap> gaps = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) gaps.add(new Gap(rs.getString(1), rs.getLong(2)));
      }
      return gaps;
    }
  }

  private CompletionStage<Boolean> repair(Gap gap) {
    return readJournal
        .currentEventsByPersistenceId(gap.persistenceId(), gap.seqNr() + 1, Long.MAX_VALUE)
        .take(MAX_EVENTS_PER_REPAIR)
        .runWith(Sink.seq(), system)
        .thenCompose(events -> jdbc.inTransaction(c -> apply(c, gap, events)))
        .thenApply(
            range -> {
              if (range == null) return false;
              repaired.incrementAndGet();
              LOG.warn(
                  "read models missed events {}..{} of {} (committed after the read journal moved"
                      + " past them); re-applied",
                  range[0],
                  range[1],
                  gap.persistenceId());
              return true;
            });
  }

  /** Applies the contiguous run the projection went past; the range applied, or null if none. */
  private long[] apply(Connection c, Gap gap, List<EventEnvelope> events) throws SQLException {
    String serial = DeviceProjection.serialOf(gap.persistenceId());
    long progress;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT seq_nr FROM read_model_progress WHERE projection = ? AND persistence_id = ?"
                + " FOR UPDATE")) {
      ps.setString(1, DeviceProjection.NAME);
      ps.setString(2, gap.persistenceId());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return null;
        progress = rs.getLong(1);
      }
    }
    long offset;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT current_offset FROM pekko_projection_offset_store"
                + " WHERE projection_name = ? AND projection_key = ?")) {
      ps.setString(1, DeviceProjection.NAME);
      ps.setString(2, UpsDevice.tagFor(serial, slices));
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) return null;
        offset = Long.parseLong(rs.getString(1));
      }
    }
    long first = progress + 1;
    long last = progress;
    for (EventEnvelope env : events) {
      if (env.sequenceNr() <= last) continue;
      if (env.sequenceNr() != last + 1) break;
      if (!(env.offset() instanceof Sequence s) || s.value() > offset) break;
      DeviceProjection.apply(c, serial, env.sequenceNr(), (UpsDevice.Event) env.event());
      last = env.sequenceNr();
    }
    if (last == progress) return null;
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE read_model_progress SET seq_nr = ? WHERE projection = ? AND persistence_id = ?")) {
      ps.setLong(1, last);
      ps.setString(2, DeviceProjection.NAME);
      ps.setString(3, gap.persistenceId());
      ps.executeUpdate();
    }
    return new long[] {first, last};
  }
}
