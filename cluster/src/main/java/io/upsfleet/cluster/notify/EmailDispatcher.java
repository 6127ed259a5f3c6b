package io.upsfleet.cluster.notify;

import io.upsfleet.cluster.Jdbc;
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
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the e-mail outbox: one per cluster (a singleton), polling for due messages, at-least-once
 * with exponential back-off (capped) and a bounded number of attempts, after which a message is
 * marked failed (visible in the table with its last error). An SMTP outage delays mail; it loses
 * none.
 */
public final class EmailDispatcher {
  private static final Logger log = LoggerFactory.getLogger(EmailDispatcher.class);
  private static final int BATCH = 20;

  private record Tick() {}

  private record Sent(int count) {}

  private record Due(long id, String to, String subject, String body, int attempts) {}

  private EmailDispatcher() {}

  public static void init(ActorSystem<?> system, Jdbc jdbc, MailSettings settings, Clock clock) {
    MailTransport transport = new MailTransport(settings);
    log.info("outgoing mail goes to {}", transport.destination());
    Behavior<Object> behavior =
        Behaviors.supervise(
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
                                          jdbc.run(c -> sendDue(c, transport, settings, clock)),
                                          (n, err) -> {
                                            if (err != null)
                                              log.warn("mail dispatch failed: {}", err.toString());
                                            return new Sent(n == null ? 0 : n);
                                          });
                                    } else if (msg instanceof Sent) {
                                      busy[0] = false;
                                    }
                                    return Behaviors.same();
                                  });
                            })))
            .onFailure(SupervisorStrategy.restart());
    ClusterSingleton.get(system).init(SingletonActor.of(behavior, "email-dispatcher"));
  }

  /** Sends what is due (on the JDBC executor, so blocking SMTP never holds an actor thread). */
  private static int sendDue(
      Connection c, MailTransport transport, MailSettings settings, Clock clock)
      throws SQLException {
    Instant now = clock.instant();
    List<Due> due = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT id, recipient, subject, body, attempts FROM email_outbox WHERE sent_at IS NULL AND failed_at IS NULL"
                + " AND next_attempt_at <= ? ORDER BY id LIMIT ?")) {
      ps.setTimestamp(1, Timestamp.from(now));
      ps.setInt(2, BATCH);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next())
          due.add(
              new Due(
                  rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5)));
      }
    }
    int sent = 0;
    for (Due d : due) {
      try {
        transport.send(d.id(), d.to(), d.subject(), d.body());
        try (PreparedStatement ps =
            c.prepareStatement(
                "UPDATE email_outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?")) {
          ps.setTimestamp(1, Timestamp.from(clock.instant()));
          ps.setLong(2, d.id());
          ps.executeUpdate();
        }
        sent++;
        log.info("mail {} sent to {} via {}", d.id(), d.to(), transport.destination());
      } catch (Exception e) {
        int attempts = d.attempts() + 1;
        boolean giveUp = attempts >= settings.maxAttempts();
        Duration backoff = Duration.ofSeconds(5L << Math.min(attempts, 16));
        if (backoff.compareTo(settings.maxBackoff()) > 0) backoff = settings.maxBackoff();
        try (PreparedStatement ps =
            c.prepareStatement(
                "UPDATE email_outbox SET attempts = ?, next_attempt_at = ?, last_error = ?, failed_at = ? WHERE id = ?")) {
          ps.setInt(1, attempts);
          ps.setTimestamp(2, Timestamp.from(clock.instant().plus(backoff)));
          String err = e.toString();
          ps.setString(3, err.length() > 500 ? err.substring(0, 500) : err);
          ps.setTimestamp(4, giveUp ? Timestamp.from(clock.instant()) : null);
          ps.setLong(5, d.id());
          ps.executeUpdate();
        }
        log.warn(
            "mail {} to {} not sent (attempt {}{}): {}",
            d.id(),
            d.to(),
            attempts,
            giveUp ? ", giving up" : "",
            e.toString());
      }
    }
    return sent;
  }
}
