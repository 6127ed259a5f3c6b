package io.upsfleet.cluster.account;

import io.upsfleet.cluster.CborSerializable;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * Tells every node of the cluster that tokens stopped being valid, so that no node keeps trusting a
 * cached token of a disabled user or a signed-out session: every committed revocation of {@link
 * Accounts} is handed to this node's listeners at once and published on a Pekko distributed pub-sub
 * topic to the listeners of every other node (delivery takes milliseconds; it is at most once, so
 * the gateway's token cache keeps a short lifetime as the bound when a message is lost).
 */
public final class RevocationBus {
  private static final AtomicInteger LISTENERS = new AtomicInteger();

  /** What travels between nodes: every token of a user, or one token by its SHA-256. */
  public record Revoked(UUID userId, byte[] tokenHash) implements CborSerializable {}

  private final ActorSystem<?> system;
  private final ActorRef<Topic.Command<Revoked>> topic;
  private final List<Consumer<Accounts.Revocation>> local = new CopyOnWriteArrayList<>();

  private RevocationBus(ActorSystem<?> system, ActorRef<Topic.Command<Revoked>> topic) {
    this.system = system;
    this.topic = topic;
  }

  /** Starts the node's end of the topic and publishes every revocation of {@code accounts}. */
  public static RevocationBus start(ActorSystem<?> system, Accounts accounts) {
    ActorRef<Topic.Command<Revoked>> topic =
        system.systemActorOf(
            Topic.create(Revoked.class, "token-revocations"), "token-revocations", Props.empty());
    RevocationBus bus = new RevocationBus(system, topic);
    accounts.onRevocation(bus::publish);
    return bus;
  }

  private void publish(Accounts.Revocation r) {
    for (Consumer<Accounts.Revocation> l : local) l.accept(r);
    topic.tell(Topic.publish(new Revoked(r.userId(), r.tokenHash())));
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
