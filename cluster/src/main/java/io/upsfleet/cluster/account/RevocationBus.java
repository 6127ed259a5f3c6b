package io.upsfleet.cluster.account;

import com.typesafe.config.Config;
import io.upsfleet.cluster.CborSerializable;
import io.upsfleet.cluster.Jdbc;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells every node of the cluster that tokens stopped being valid, so that no node keeps trusting a
 * cached token of a disabled user or a signed-out session. Every committed revocation of {@link
 * Accounts} is handed to this node's listeners at once, and reaches the other nodes on two
 * channels: a Pekko distributed pub-sub topic (milliseconds, but at most once: the first message
 * after a node joins was seen lost) and the {@code token_revocations} table, which every node reads
 * every {@code upsfleet.revocations.poll-interval} (500 ms) for the rows of the last seconds, so
 * that a revocation reaches every node within about a second even when its message is lost.
 * Listeners may hear one revocation more than once; dropping a token twice is harmless.
 */
public final class RevocationBus {
  private static final AtomicInteger LISTENERS = new AtomicInteger();

  /** What travels between nodes: every token of a user, or one token by its SHA-256. */
  public record Revoked(UUID userId, byte[] tokenHash) implements CborSerializable {}

  /** One row of {@code token_revocations}. */
  private record Row(long id, Accounts.Revocation revocation) {}

  private static final Logger log = LoggerFactory.getLogger(RevocationBus.class);

  /** How far back each read of the table looks: rows may commit out of id order. */
  private static final Duration WINDOW = Duration.ofSeconds(10);

  /** Rows older than this are deleted (no node caches a token longer). */
  private static final Duration KEEP = Duration.ofHours(1);

  private final ActorSystem<?> system;
  private final ActorRef<Topic.Command<Revoked>> topic;
  private final boolean pubsub;
  private final Jdbc jdbc;
  private final List<Consumer<Accounts.Revocation>> local = new CopyOnWriteArrayList<>();

  /** Row ids already handed to the listeners, with when they were first seen. */
  private final Map<Long, Long> seen = new ConcurrentHashMap<>();

  private final AtomicBoolean polling = new AtomicBoolean();
  private long polls;

  private RevocationBus(
      ActorSystem<?> system, ActorRef<Topic.Command<Revoked>> topic, boolean pubsub, Jdbc jdbc) {
    this.system = system;
    this.topic = topic;
    this.pubsub = pubsub;
    this.jdbc = jdbc;
  }

  /**
   * Starts the node's end of the topic and of the table, and publishes every revocation of {@code
   * accounts} on both.
   */
  public static RevocationBus start(
      ActorSystem<?> system, Accounts accounts, Jdbc jdbc, Config config) {
    Config c = config.getConfig("upsfleet.revocations");
    Duration interval = c.getDuration("poll-interval");
    if (interval.isNegative() || interval.isZero())
      throw new IllegalArgumentException("upsfleet.revocations.poll-interval must be positive");
    ActorRef<Topic.Command<Revoked>> topic =
        system.systemActorOf(
            Topic.create(Revoked.class, "token-revocations"), "token-revocations", Props.empty());
    RevocationBus bus = new RevocationBus(system, topic, c.getBoolean("pubsub"), jdbc);
    accounts.onRevocation(bus::publish);
    system
        .scheduler()
        .scheduleWithFixedDelay(interval, interval, bus::poll, system.executionContext());
    return bus;
  }

  private void publish(Accounts.Revocation r) {
    for (Consumer<Accounts.Revocation> l : local) l.accept(r);
    if (pubsub) topic.tell(Topic.publish(new Revoked(r.userId(), r.tokenHash())));
    jdbc.run(
            c -> {
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO token_revocations (user_id, token_hash) VALUES (?, ?)"
                          + " RETURNING id")) {
                ps.setObject(1, r.userId());
                ps.setBytes(2, r.tokenHash());
                try (ResultSet rs = ps.executeQuery()) {
                  rs.next();
                  // This node's listeners have it already.
                  seen.put(rs.getLong(1), System.nanoTime());
                }
              }
              return null;
            })
        .whenComplete(
            (ok, e) -> {
              if (e != null)
                log.warn(
                    "token revocation not recorded for the other nodes (pub-sub only): {}",
                    e.toString());
            });
  }

  /** Reads the revocations of the last seconds and hands those not seen yet to the listeners. */
  private void poll() {
    if (!polling.compareAndSet(false, true)) return;
    CompletionStage<List<Row>> read;
    try {
      read = readRecent();
    } catch (RuntimeException e) {
      // A full executor refuses at once: try again at the next tick instead of never.
      polling.set(false);
      log.debug("reading token revocations refused: {}", e.toString());
      return;
    }
    read.whenComplete(
        (rows, e) -> {
          try {
            if (e != null) {
              log.debug("reading token revocations failed: {}", e.toString());
              return;
            }
            long now = System.nanoTime();
            for (Row row : rows) {
              // Rows committed before this node started are handed over too: dropping a
              // revoked token that is not cached is harmless, missing one is not.
              if (seen.putIfAbsent(row.id(), now) != null) continue;
              for (Consumer<Accounts.Revocation> l : local) l.accept(row.revocation());
            }
            seen.values().removeIf(t -> now - t > 2 * WINDOW.toNanos());
          } finally {
            polling.set(false);
          }
        });
  }

  /**
   * The revocations recorded in the last {@link #WINDOW}, oldest first; prunes old rows now and
   * then.
   */
  private CompletionStage<List<Row>> readRecent() {
    return jdbc.run(
        c -> {
          List<Row> rows = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT id, user_id, token_hash FROM token_revocations"
                      + " WHERE revoked_at > now() - make_interval(secs => ?) ORDER BY id")) {
            ps.setDouble(1, WINDOW.toMillis() / 1000.0);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next())
                rows.add(
                    new Row(
                        rs.getLong(1),
                        new Accounts.Revocation(rs.getObject(2, UUID.class), rs.getBytes(3))));
            }
          }
          if (++polls % 120 == 0) {
            try (PreparedStatement ps =
                c.prepareStatement(
                    "DELETE FROM token_revocations"
                        + " WHERE revoked_at < now() - make_interval(secs => ?)")) {
              ps.setDouble(1, KEEP.toSeconds());
              ps.executeUpdate();
            }
          }
          return rows;
        });
  }

  /**
   * How many ends of the topic (nodes) this node knows besides its own, as Pekko's topic stats
   * report it: publications reach those nodes.
   */
  public CompletionStage<Integer> otherNodesListening() {
    return AskPattern.<Topic.Command<Revoked>, Topic.TopicStats>ask(
            topic, Topic::getTopicStats, Duration.ofSeconds(3), system.scheduler())
        .thenApply(Topic.TopicStats::topicInstanceCount);
  }

  /**
   * Calls {@code listener} for every revocation made on any node (this node's possibly twice: at
   * once and through the topic). It must be quick and must not block.
   */
  public void subscribe(Consumer<Accounts.Revocation> listener) {
    local.add(listener);
    ActorRef<Revoked> subscriber =
        system.systemActorOf(
            Behaviors.receive(Revoked.class)
                .onMessage(
                    Revoked.class,
                    m -> {
                      listener.accept(new Accounts.Revocation(m.userId(), m.tokenHash()));
                      return Behaviors.same();
                    })
                .build(),
            "token-revocation-listener-" + LISTENERS.incrementAndGet(),
            Props.empty());
    topic.tell(Topic.subscribe(subscriber));
  }
}
