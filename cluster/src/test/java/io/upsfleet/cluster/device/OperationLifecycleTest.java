package io.upsfleet.cluster.device;

import static io.upsfleet.cluster.device.DeviceStates.REGISTERED;
import static io.upsfleet.cluster.device.DeviceStates.command;
import static org.assertj.core.api.Assertions.assertThat;

import io.upsfleet.cluster.operation.CommandStatus;
import io.upsfleet.cluster.operation.DeviceCommand;
import io.upsfleet.cluster.operation.Operation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link OperationLifecycle}, pure: which waiting operations the delivery window hands over, and
 * what a publish and a PUBACK make of them.
 */
class OperationLifecycleTest {
  private static final Instant NOW = REGISTERED.plusSeconds(600);
  private static final Operation TEST = new Operation.SelfTest();

  private final OperationLifecycle lifecycle = new OperationLifecycle(3);

  @Test
  void nothingIsHandedOverWithoutAReachableLink() {
    RegisteredDevice offline =
        DeviceStates.with(DeviceStates.onTrial(), pending("a", 0), pending("b", 1));
    assertThat(lifecycle.toHandOver(offline, Set.of(), NOW)).isEmpty();
  }

  @Test
  void theWindowHandsOverTheOldestWaitingOnesUpToItsSize() {
    RegisteredDevice s =
        DeviceStates.connected(
            DeviceStates.with(
                DeviceStates.onTrial(),
                pending("a", 0),
                pending("b", 1),
                pending("c", 2),
                pending("d", 3),
                pending("e", 4)),
            1);
    assertThat(ids(lifecycle.toHandOver(s, Set.of(), NOW))).containsExactly("a", "b", "c");
    assertThat(ids(lifecycle.toHandOver(s, Set.of("a"), NOW)))
        .as("one already handed over takes a place")
        .containsExactly("b", "c");
    assertThat(lifecycle.toHandOver(s, Set.of("a", "b", "c"), NOW)).isEmpty();
  }

  @Test
  void sentButUnacknowledgedOperationsOfThisSessionTakePlacesThoseOfAnOlderSessionGoAgain() {
    RegisteredDevice s =
        DeviceStates.connected(
            DeviceStates.with(
                DeviceStates.onTrial(),
                command("old", TEST, CommandStatus.SENT, REGISTERED, 1),
                command("now", TEST, CommandStatus.SENT, REGISTERED.plusSeconds(1), 2),
                command("done", TEST, CommandStatus.DELIVERED, REGISTERED.plusSeconds(2), 2),
                pending("p1", 3),
                pending("p2", 4)),
            2);
    assertThat(ids(lifecycle.toHandOver(s, Set.of(), NOW)))
        .as("SENT in session 1 may never have arrived; SENT in session 2 is in the window")
        .containsExactly("old", "p1");
  }

  @Test
  void anOperationPastItsTtlIsNeverHandedOver() {
    RegisteredDevice s =
        DeviceStates.connected(
            DeviceStates.with(DeviceStates.onTrial(), pending("late", 0), pending("fresh", 3000)),
            1);
    Instant afterFirstTtl = REGISTERED.plus(Duration.ofHours(1));
    assertThat(ids(lifecycle.toHandOver(s, Set.of(), afterFirstTtl))).containsExactly("fresh");
  }

  @Test
  void aPublishMakesAWaitingOperationSentOnlyInTheCurrentSession() {
    RegisteredDevice s =
        DeviceStates.connected(DeviceStates.with(DeviceStates.onTrial(), pending("a", 0)), 2);
    assertThat(lifecycle.published(s, 1, "a", NOW)).as("an older session").isEmpty();
    assertThat(lifecycle.published(s, 2, "nope", NOW)).isEmpty();
    List<UpsDevice.Event> sent = lifecycle.published(s, 2, "a", NOW);
    assertThat(sent)
        .containsExactly(
            new UpsDevice.CommandUpdated("a", CommandStatus.SENT, null, null, 2, null, NOW));
    RegisteredDevice after = DeviceStates.apply(s, sent);
    assertThat(lifecycle.published(after, 2, "a", NOW)).as("published twice").isEmpty();
    assertThat(lifecycle.delivered(after, 2, "a", NOW))
        .containsExactly(
            new UpsDevice.CommandUpdated("a", CommandStatus.DELIVERED, null, null, 2, null, NOW));
  }

  private static DeviceCommand pending(String id, long secondsAfterRegistration) {
    return command(
        id, TEST, CommandStatus.PENDING, REGISTERED.plusSeconds(secondsAfterRegistration), 0);
  }

  private static List<String> ids(List<DeviceCommand> commands) {
    return commands.stream().map(DeviceCommand::id).toList();
  }
}
