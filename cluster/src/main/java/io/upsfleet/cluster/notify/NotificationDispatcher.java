package io.upsfleet.cluster.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the notification outbox, on every node: each round claims due messages with a lease ({@code
 * FOR UPDATE SKIP LOCKED} on the destination and its rows, then {@code lease_token} and {@code
 * lease_until} committed), sends them outside any transaction, and records the outcome only if it
 * still holds the lease. A node that dies mid-send leaves rows whose lease expires; any node then
 * sends them again with the same key (at-least-once). One destination is served by one node at a
 * time and at most once per {@code destination-interval}: what is due meanwhile goes out as one
 * batched message (its key, {@code batch:<first key>+<n>}, is kept for its retries). Failures are
 * retried with exponential back-off; after {@code max-attempts} a message is {@code DEAD}.
 */
public final class NotificationDispatcher {
  private static final Logger log = LoggerFactory.getLogger(NotificationDispatcher.class);
  private static final int DESTINATIONS_PER_ROUND = 32;

  private record Tick() {}

  private record Done() {}

  /** Messages claimed for one destination, sent as one delivery. */
  record Claim(
      Destination destination,
      String key,
      List<Long> ids,
      List<Message> messages,
      int attempts,
      UUID lease) {}

  private final DataSource dataSource;
  private final NotificationSettings settings;
  private final NotificationTransport transport;
  private final Clock clock;
  private final ExecutorService senders;

  private NotificationDispatcher(
      DataSource dataSource,
      NotificationSettings settings,
      NotificationTransport transport,
      Clock clock,
      ExecutorService senders) {
    this.dataSource = dataSource;
    this.settings = settings;
    this.transport = transport;
    this.clock = clock;
    this.senders = senders;
  }

  /** Starts this node's dispatcher; it stops with the actor system. */
  public static void init(
      ActorSystem<?> system,
      DataSource dataSource,
      NotificationSettings settings,
      NotificationTransport transport,
      Clock clock) {
    AtomicInteger n = new AtomicInteger();
    ExecutorService senders =
        Executors.newFixedThreadPool(
            settings.senderThreads(),
            r -> {
              Thread t = new Thread(r, "upsfleet-notify-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    system.getWhenTerminated().thenRun(senders::shutdownNow);
    NotificationDispatcher d =
        new NotificationDispatcher(dataSource, settings, transport, clock, senders);
    system.systemActorOf(d.behavior(), "notification-dispatcher", Props.empty());
  }

  private Behavior<Object> behavior() {
    return Behaviors.supervise(
            Behaviors.<Object>setup(
                ctx ->
                    Behaviors.withTimers(
                        timers -> {
                          timers.startTimerWithFixedDelay(new Tick(), settings.pollInterval());
                          boolean[] busy = {false};
                          return Behaviors.receiveMessage(
                              msg -> {
                                if (msg instanceof Tick && !busy[0]) {
                                  busy[0] = true;
                                  ctx.pipeToSelf(
                                      CompletableFuture.supplyAsync(this::claim, senders)
                                          .thenCompose(this::sendAll),
                                      (ok, err) -> {
                                        if (err != null)
                                          log.warn(
                                              "notification dispatch failed: {}", err.toString());
                                        return new Done();
                                      });
                                } else if (msg instanceof Done) {
                                  busy[0] = false;
                                }
                                return Behaviors.same();
                              });
                        })))
        .onFailure(SupervisorStrategy.restart());
  }

  private CompletableFuture<Void> sendAll(List<Claim> claims) {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (Claim c : claims) all.add(CompletableFuture.runAsync(() -> sendOne(c), senders));
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
  }

  private void sendOne(Claim claim) {
    String error = null;
    try {
      transport.send(claim.destination(), claim.key(), claim.messages());
    } catch (NotificationTransport.DeliveryFailed e) {
      error = e.getMessage();
    } catch (RuntimeException e) {
      error = e.toString();
    }
    try (Connection c = dataSource.getConnection()) {
      record(c, claim, error);
    } catch (SQLException e) {
      // The lease expires and the messages go again, with the same key.
      log.warn("could not record delivery {}: {}", claim.key(), e.toString());
    }
  }

  private void record(Connection c, Claim claim, String error) throws SQLException {
    Instant now = clock.instant();
    Long[] ids = claim.ids().toArray(Long[]::new);
    if (error == null) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE notification_outbox SET status = 'SENT', sent_at = ?, attempts = attempts + 1, last_error = NULL,"
                  + " lease_token = NULL, lease_until = NULL WHERE id = ANY(?) AND lease_token = ?")) {
        ps.setTimestamp(1, Timestamp.from(now));
        ps.setArray(2, c.createArrayOf("bigint", ids));
        ps.setObject(3, claim.lease());
        ps.executeUpdate();
      }
      log.debug("notification {} sent to {}", claim.key(), claim.destination().id());
      return;
    }
    int attempts = claim.attempts() + 1;
    boolean dead = attempts >= settings.maxAttempts();
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE notification_outbox SET attempts = attempts + 1, last_error = ?, lease_token = NULL,"
                + " lease_until = NULL, next_attempt_at = ?, status = ? WHERE id = ANY(?) AND lease_token = ?")) {
      ps.setString(1, error.length() > 500 ? error.substring(0, 500) : error);
      ps.setTimestamp(2, Timestamp.from(now.plus(settings.backoff(attempts))));
      ps.setString(3, dead ? "DEAD" : "PENDING");
      ps.setArray(4, c.createArrayOf("bigint", ids));
      ps.setObject(5, claim.lease());
      ps.executeUpdate();
    }
    log.warn(
        "notification {} to destination {} failed (attempt {}{}): {}",
        claim.key(),
        claim.destination().id(),
        attempts,
        dead ? ", dead letter" : "",
        error);
  }

  private volatile Instant nextPurge = Instant.MIN;

  /** Claims what is due, one delivery per destination, in one short transaction. */
  private List<Claim> claim() {
    try (Connection c = dataSource.getConnection()) {
      Instant now = clock.instant();
      if (now.isAfter(nextPurge)) {
        nextPurge = now.plus(Duration.ofHours(1));
        int purged = NotificationStore.purge(c, now.minus(settings.retention()), 1000);
        if (purged > 0) log.info("purged {} finished notifications from the delivery log", purged);
      }
      c.setAutoCommit(false);
      try {
        List<Claim> claims = claim(c);
        c.commit();
        return claims;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot claim notifications: " + e.getMessage(), e);
    }
  }

  private static final String DUE =
      " o.status IN ('PENDING', 'HELD') AND o.next_attempt_at <= ? AND (o.lease_until IS NULL OR o.lease_until < ?)";

  private List<Claim> claim(Connection c) throws SQLException {
    Instant now = clock.instant();
    Timestamp ts = Timestamp.from(now);
    List<Destination> destinations = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT d.id, d.account_id, d.type, d.name, d.target, d.secret, d.created_at"
                + " FROM notification_destinations d WHERE d.next_send_at <= ? AND EXISTS (SELECT 1 FROM"
                + " notification_outbox o WHERE o.destination_id = d.id AND"
                + DUE
                + ") ORDER BY d.next_send_at LIMIT ? FOR UPDATE OF d SKIP LOCKED")) {
      ps.setTimestamp(1, ts);
      ps.setTimestamp(2, ts);
      ps.setTimestamp(3, ts);
      ps.setInt(4, DESTINATIONS_PER_ROUND);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) destinations.add(NotificationStore.destination(rs));
      }
    }
    List<Claim> claims = new ArrayList<>();
    for (Destination d : destinations) {
      record Row(long id, String key, String message, String batchKey, int attempts) {}
      List<Row> rows = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT o.id, o.delivery_key, o.message::text, o.batch_key, o.attempts FROM notification_outbox o"
                  + " WHERE o.destination_id = ? AND"
                  + DUE
                  + " ORDER BY o.id LIMIT ? FOR UPDATE SKIP LOCKED")) {
        ps.setObject(1, d.id());
        ps.setTimestamp(2, ts);
        ps.setTimestamp(3, ts);
        ps.setInt(4, settings.maxBatch());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next())
            rows.add(
                new Row(
                    rs.getLong(1),
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getInt(5)));
        }
      }
      if (rows.isEmpty()) continue;
      String batchKey = rows.get(0).batchKey();
      List<Row> batch = new ArrayList<>();
      for (Row r : rows)
        if (batchKey == null ? r.batchKey() == null : batchKey.equals(r.batchKey())) batch.add(r);
      String key;
      if (batchKey != null) {
        key = batchKey;
      } else if (batch.size() == 1) {
        key = batch.get(0).key();
      } else {
        key = "batch:" + batch.get(0).key() + "+" + (batch.size() - 1);
      }
      UUID lease = UUID.randomUUID();
      List<Long> ids = batch.stream().map(Row::id).toList();
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE notification_outbox SET status = 'PENDING', lease_token = ?, lease_until = ?,"
                  + " batch_key = ? WHERE id = ANY(?)")) {
        ps.setObject(1, lease);
        ps.setTimestamp(2, Timestamp.from(now.plus(settings.lease())));
        ps.setString(3, batch.size() > 1 || batchKey != null ? key : null);
        ps.setArray(4, c.createArrayOf("bigint", ids.toArray()));
        ps.executeUpdate();
      }
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE notification_destinations SET next_send_at = ? WHERE id = ?")) {
        ps.setTimestamp(1, Timestamp.from(now.plus(settings.destinationInterval())));
        ps.setObject(2, d.id());
        ps.executeUpdate();
      }
      List<Message> messages = new ArrayList<>();
      int attempts = 0;
      for (Row r : batch) {
        try {
          messages.add(ChannelPayloads.JSON.readValue(r.message(), Message.class));
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("unreadable outbox message " + r.id(), e);
        }
        attempts = Math.max(attempts, r.attempts());
      }
      claims.add(new Claim(d, key, ids, messages, attempts, lease));
    }
    return claims;
  }
}
