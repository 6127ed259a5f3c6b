package io.upsfleet.cluster.device;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * One per cluster (a cluster singleton): wakes the device entities whose persisted deadlines passed
 * while nobody held them in memory (after a restart or a crash), and those shown online through an
 * edge node that is no longer a cluster member, so that each re-checks its link and its deadlines.
 * Also purges the event log beyond its retention, and runs {@code otherSweeps} (e.g. license orders
 * with stalled reservations). Timers in the entities do the precise work; this is the safety net.
 */
public final class DeviceWatchdog {
  /** The node identity the edge writes into {@code Connected}: address and incarnation uid. */
  public static String nodeId(ActorSystem<?> system) {
    return nodeId(Cluster.get(system).selfMember());
  }

  static String nodeId(Member m) {
    return m.address() + "#" + m.uniqueAddress().longUid();
  }

  sealed interface Msg {}

  private record Sweep() implements Msg {}

  private record Woken(int count) implements Msg {}

  private static final int BATCH = 1000;

  private DeviceWatchdog() {}

  /** Starts the singleton (on every node; one runs). */
  public static void init(
      ActorSystem<?> system,
      UpsDevices devices,
      DeviceDirectory directory,
      Duration interval,
      Duration eventRetention,
      Clock clock,
      Supplier<CompletionStage<Integer>> otherSweeps) {
    Behavior<Msg> behavior =
        Behaviors.<Msg>supervise(
                Behaviors.setup(
                    ctx ->
                        Behaviors.withTimers(
                            timers -> {
                              timers.startTimerWithFixedDelay(
                                  new Sweep(), Duration.ofSeconds(1), interval);
                              return Behaviors.receive(Msg.class)
                                  .onMessage(
                                      Sweep.class,
                                      m -> {
                                        ctx.pipeToSelf(
                                            directory
                                                .overdue(clock.instant(), BATCH)
                                                .thenCombine(
                                                    directory.onlineOutside(
                                                        liveNodes(system), BATCH),
                                                    (a, b) -> {
                                                      Set<String> all = new HashSet<>(a);
                                                      all.addAll(b);
                                                      return List.copyOf(all);
                                                    })
                                                .thenCompose(
                                                    serials -> {
                                                      serials.forEach(devices::wake);
                                                      return directory
                                                          .purgeEventsBefore(
                                                              clock.instant().minus(eventRetention))
                                                          .thenCompose(purged -> otherSweeps.get())
                                                          .thenApply(
                                                              others -> serials.size() + others);
                                                    }),
                                            (count, err) -> {
                                              if (err != null)
                                                ctx.getLog()
                                                    .warn(
                                                        "device sweep failed: {}", err.toString());
                                              return new Woken(count == null ? 0 : count);
                                            });
                                        return Behaviors.same();
                                      })
                                  .onMessage(
                                      Woken.class,
                                      m -> {
                                        if (m.count() > 0)
                                          ctx.getLog().info("watchdog woke {} entities", m.count());
                                        return Behaviors.same();
                                      })
                                  .build();
                            })))
            .onFailure(SupervisorStrategy.restart());
    ClusterSingleton.get(system).init(SingletonActor.of(behavior, "device-watchdog"));
  }

  private static Set<String> liveNodes(ActorSystem<?> system) {
    Set<String> nodes = new HashSet<>();
    for (Member m : Cluster.get(system).state().getMembers()) {
      if (m.status() == MemberStatus.up()
          || m.status() == MemberStatus.weaklyUp()
          || m.status() == MemberStatus.joining()
          || m.status() == MemberStatus.leaving()) {
        nodes.add(nodeId(m));
      }
    }
    return nodes;
  }
}
