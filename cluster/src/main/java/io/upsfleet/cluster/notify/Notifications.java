package io.upsfleet.cluster.notify;

import io.upsfleet.cluster.Jdbc;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What the API asks of notifications: destinations (checked by the {@link UrlGuard}, a webhook's
 * secret issued once), policies, test messages, the delivery log and incidents. Never blocks its
 * caller: a test send runs on a small bounded pool of its own.
 */
public final class Notifications implements AutoCloseable {
  /** A destination URL refused by the guard; the message is for the user. */
  public static final class InvalidDestination extends RuntimeException {
    public InvalidDestination(String message) {
      super(message);
    }
  }

  /** The outcome of a test message. */
  public record TestOutcome(boolean delivered, String deliveryKey, String error) {}

  private final NotificationStore store;
  private final NotificationTransport transport;
  private final UrlGuard guard;
  private final Clock clock;
  private final ExecutorService tests;

  public Notifications(Jdbc jdbc, NotificationTransport transport, UrlGuard guard, Clock clock) {
    this.store = new NotificationStore(jdbc);
    this.transport = transport;
    this.guard = guard;
    this.clock = clock;
    this.tests =
        new ThreadPoolExecutor(
            0,
            4,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(32),
            r -> {
              Thread t = new Thread(r, "upsfleet-notify-test");
              t.setDaemon(true);
              return t;
            });
  }

  public NotificationStore store() {
    return store;
  }

  /**
   * Creates a destination; a URL is checked now (the check is repeated before every send). The
   * returned destination carries the webhook's secret: show it once.
   *
   * @throws InvalidDestination (in the stage) when the guard refuses the URL
   */
  public CompletionStage<Destination> createDestination(
      UUID accountId, DestinationType type, String name, String target) {
    if (type.http()) {
      return CompletableFuture.supplyAsync(
              () -> {
                try {
                  URI uri = guard.check(target);
                  return uri.toString();
                } catch (UrlGuard.Refused r) {
                  throw new InvalidDestination(r.getMessage());
                }
              },
              tests)
          .thenCompose(url -> store.createDestination(newDestination(accountId, type, name, url)));
    }
    return store.createDestination(newDestination(accountId, type, name, target));
  }

  private Destination newDestination(
      UUID accountId, DestinationType type, String name, String target) {
    return new Destination(
        UUID.randomUUID(),
        accountId,
        type,
        name,
        target,
        type == DestinationType.WEBHOOK ? WebhookSignature.newSecret() : null,
        clock.instant());
  }

  /** Sends a test message to the destination now and logs it in the delivery log. */
  public CompletionStage<TestOutcome> sendTest(Destination d, String by) {
    Instant now = clock.instant();
    String key = "test:" + UUID.randomUUID();
    Message m =
        new Message(
            "TEST",
            "Test message from upsfleet",
            "INFO",
            List.of("Sent by " + by + " to check the destination \"" + d.name() + "\"."),
            null,
            null,
            null,
            now);
    CompletableFuture<TestOutcome> sent;
    try {
      sent =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  transport.send(d, key, List.of(m));
                  return new TestOutcome(true, key, null);
                } catch (NotificationTransport.DeliveryFailed e) {
                  return new TestOutcome(false, key, e.getMessage());
                }
              },
              tests);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
    return sent.thenCompose(
        o -> store.logTest(d, key, m, o.delivered(), o.error(), now).thenApply(x -> o));
  }

  @Override
  public void close() {
    tests.shutdownNow();
  }
}
