package io.upsfleet.cluster.command;

import io.upsfleet.cluster.device.UpsDevices;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The way into {@link FirmwareRollout} entities (remembered, so running rollouts resume after a
 * restart). Thread-safe; asks complete with the rollout's view or a refusal.
 */
public final class FirmwareRollouts {
  private final ClusterSharding sharding;
  private final Duration askTimeout;

  private FirmwareRollouts(ClusterSharding sharding, Duration askTimeout) {
    this.sharding = sharding;
    this.askTimeout = askTimeout;
  }

  public static FirmwareRollouts init(ActorSystem<?> system, UpsDevices devices, Clock clock) {
    ClusterSharding sharding = ClusterSharding.get(system);
    sharding.init(
        Entity.of(
                FirmwareRollout.ENTITY_TYPE_KEY,
                ctx -> FirmwareRollout.create(ctx.getEntityId(), ctx.getShard(), devices, clock))
            .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
    return new FirmwareRollouts(sharding, devices.settings().askTimeout());
  }

  private EntityRef<FirmwareRollout.Command> ref(String id) {
    return sharding.entityRefFor(FirmwareRollout.ENTITY_TYPE_KEY, id);
  }

  public CompletionStage<FirmwareRollout.Reply> start(
      String accountId, List<String> serials, int concurrency, int abortAfterFailures, String by) {
    String id = UUID.randomUUID().toString();
    return ref(id)
        .ask(
            r ->
                new FirmwareRollout.Start(
                    accountId, serials, concurrency, abortAfterFailures, by, r),
            askTimeout);
  }

  public CompletionStage<FirmwareRollout.Reply> get(String id) {
    return ref(id).ask(FirmwareRollout.Get::new, askTimeout);
  }

  public CompletionStage<FirmwareRollout.Reply> pause(String id, String by) {
    return ref(id).ask(r -> new FirmwareRollout.Pause(by, r), askTimeout);
  }

  public CompletionStage<FirmwareRollout.Reply> resume(String id, String by) {
    return ref(id).ask(r -> new FirmwareRollout.Resume(by, r), askTimeout);
  }

  public CompletionStage<FirmwareRollout.Reply> abort(String id, String by) {
    return ref(id).ask(r -> new FirmwareRollout.Abort(by, r), askTimeout);
  }
}
